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
export { type Anchor, type ChainCheck, type ChainHead, type ChainRow, walkChain } from './walk';
