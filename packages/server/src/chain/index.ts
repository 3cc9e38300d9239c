export { appendStatements, readStatements } from './checkpoint-file';
export {
  EXPORT_FORMAT,
  type ExportEvent,
  ExportFormatError,
  type ExportHeader,
  exportEventLine,
  exportHeaderLine,
  verifyExport,
} from './evidence';
export {
  CHAIN_VERSIONS,
  type ChainVersion,
  CURRENT_CHAIN_VERSION,
  chainHash,
  contentDigest,
  eventDigest,
  GENESIS_HASH,
  genesisHash,
  type Link,
  linkHash,
  removedContentDigest,
  sha256,
  terminalDigest,
  withoutContent,
} from './formula';
export {
  anchorsOf,
  checkStatement,
  createKeyPair,
  keyId,
  loadSigningKey,
  loadVerifyKey,
  type PurgeRecord,
  type SignedHead,
  type SigningKey,
  type Statement,
  type StatementCheck,
  signStatement,
  statementPayload,
  type VerifyKey,
} from './signing';
export {
  type StatementSource,
  type VerifyEvidence,
  type VerifyReport,
  verifyChain,
} from './verify';
export { type Anchor, type ChainCheck, type ChainHead, type ChainRow, walkChain } from './walk';
