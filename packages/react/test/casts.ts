/**
 * Generated recordings for the player's tests: what full-screen programs, colour logs, prompts,
 * resizes and hostile content do to a terminal, as asciicast v3 text.
 */
import {
  type AsciicastCode,
  parseAsciicast,
  stringifyAsciicast,
} from '@auditlane/client/asciicast';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';

const ESC = '\u001b';

export interface Cast {
  text: string;
  /** Events as [absolute seconds, code, data]. */
  events: [number, string, string][];
  cols: number;
  rows: number;
}

export function cast(cols: number, rows: number, events: [number, string, string][]): Cast {
  const text = stringifyAsciicast(
    { version: 3, term: { cols, rows, type: 'xterm-256color' } },
    events.map(([time, code, data]) => ({ time, code: code as AsciicastCode, data })),
  );
  return { text, events, cols, rows };
}

/** A recording's text (v2 or v3) as a Cast. */
export function castOf(text: string): Cast {
  const { header, events } = parseAsciicast(text);
  return {
    text,
    events: events.map((e) => [e.time, e.code, e.data]),
    cols: header.term.cols,
    rows: header.term.rows,
  };
}

/** A session of about `seconds` seconds: prompts, colour logs, a full-screen pager, resizes. */
export function busySession(seconds = 60): Cast {
  const events: [number, string, string][] = [];
  let t = 0;
  let n = 0;
  const out = (data: string, dt = 0.05) => {
    t += dt;
    events.push([t, 'o', data]);
  };
  while (t < seconds) {
    n++;
    out(`${ESC}[1;32muser@host${ESC}[0m:${ESC}[1;34m~/app${ESC}[0m$ `, 0.2);
    out(`ls -la /var/log/app${n}\r\n`, 0.3);
    for (let i = 0; i < 30; i++) {
      const level = i % 5 === 0 ? `${ESC}[31mERROR${ESC}[0m` : `${ESC}[36mINFO${ESC}[0m`;
      out(
        `${level} 2026-11-29T12:00:${String(i).padStart(2, '0')}Z request ${n}.${i} done in ${ESC}[2m${i * 3} ms${ESC}[22m\r\n`,
        0.01,
      );
    }
    if (n % 3 === 0) {
      events.push([t + 0.01, 'm', `command ${n}`]);
      // A pager: alternate screen, scroll region, reverse video, cursor moves.
      out(`${ESC}[?1049h${ESC}[H${ESC}[2J${ESC}[1;${20}r`, 0.1);
      for (let i = 0; i < 40; i++) out(`${ESC}[7m line ${n}:${i} ${ESC}[27m text\r\n`, 0.005);
      out(`${ESC}[24;1H${ESC}[1m:${ESC}[0m`, 0.05);
      out(`${ESC}[r${ESC}[?1049l`, 0.5);
    }
    if (n % 4 === 0) {
      events.push([t + 0.01, 'r', n % 8 === 0 ? '80x24' : '100x30']);
      t += 0.01;
    }
    if (n % 5 === 0) t += 12; // an idle stretch
  }
  return cast(80, 24, events);
}

/** Content that must stay inert: clipboard writes, javascript: links, HTML. */
export function hostile(): Cast {
  return cast(80, 24, [
    [0.1, 'o', `${ESC}]52;c;${btoa('rm -rf ~')}${ESC}\\copied?\r\n`],
    [0.2, 'o', `${ESC}]8;;javascript:alert(document.domain)${ESC}\\click me${ESC}]8;;${ESC}\\\r\n`],
    [0.3, 'o', `${ESC}]8;;https://example.com/docs${ESC}\\docs${ESC}]8;;${ESC}\\\r\n`],
    [0.4, 'o', '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\r\n'],
    [0.5, 'o', 'done\r\n'],
  ]);
}

/**
 * The screen reached by writing every event up to play time t from the start (the reference a
 * seek must equal), idle stretches cut to `idleLimit`. Output is written in runs between resizes.
 */
export async function referenceScreen(
  c: Cast,
  t: number,
  idleLimit = Number.POSITIVE_INFINITY,
): Promise<string> {
  const term = new Terminal({ cols: c.cols, rows: c.rows, scrollback: 0, allowProposedApi: true });
  const serialize = new SerializeAddon();
  term.loadAddon(serialize as never);
  let batch = '';
  const flush = async () => {
    if (batch) await new Promise<void>((r) => term.write(batch, r));
    batch = '';
  };
  let play = 0;
  let last = 0;
  for (const [time, code, data] of c.events) {
    play += Math.min(time - last, idleLimit);
    last = time;
    if (play > t + 1e-9) break;
    if (code === 'o') batch += data;
    if (code === 'r') {
      await flush();
      const [cols, rows] = data.split('x').map(Number) as [number, number];
      term.resize(cols, rows);
    }
  }
  await flush();
  const out = serialize.serialize();
  term.dispose();
  return out;
}

/**
 * The same recording with its output cut at every offset in [from, to) of the output text (one
 * event per character there; the events' own cuts kept elsewhere), as a recorder that reads
 * whenever it likes would cut it. Events are re-timed 10 ms apart.
 */
export function resplit(c: Cast, from = 0, to = Number.POSITIVE_INFINITY): Cast {
  const events: [number, string, string][] = [];
  let at = 0;
  const push = (code: string, data: string) => {
    events.push([(events.length + 1) / 100, code, data]);
  };
  for (const [, code, data] of c.events) {
    if (code !== 'o') {
      push(code, data);
      continue;
    }
    let start = 0;
    for (let k = 0; k < data.length; k++) {
      const offset = at + k;
      if (offset >= from && offset < to) {
        if (k > start) push('o', data.slice(start, k));
        push('o', data[k] as string);
        start = k + 1;
      }
    }
    if (start < data.length) push('o', data.slice(start));
    at += data.length;
  }
  return cast(c.cols, c.rows, events);
}

/**
 * Every kind of sequence a terminal parses, for cutting at every offset: SGR (with colons and
 * 256 colours), OSC ended by BEL and by ST, OSC 8 links, DCS, SOS / PM / APC strings,
 * 8-bit C1 controls, controls inside a CSI, charsets, cursor save / restore, a scroll region,
 * origin mode, the alternate screen, synchronized output, rows filled to the margin (wrapping, and with autowrap off),
 * tab stops, REP, colours (OSC 4, 10, 11, 12), text of 2, 3 and 4 UTF-8 bytes, combining and wide, and a resize. The top row starts
 * with `r` (a half-read `ESC[01;3` followed by it would set a scroll region).
 */
export function sequenceZoo(): Cast {
  const lines = [
    `r${ESC}[01;31merror${ESC}[0m: ${ESC}[01;3mitalic bold${ESC}[m and ${ESC}[38;5;208morange${ESC}[39m\r\n`,
    `${ESC}]0;title: ~/src${'\u0007'}${ESC}]2;second title${ESC}\\${ESC}[38:2::10:200:30mrgb${ESC}[0m\r\n`,
    `${ESC}]8;;https://example.com/a${ESC}\\a link${ESC}]8;;${ESC}\\ ${ESC}P$qm${ESC}\\after DCS\r\n`,
    `${ESC}_apc payload${ESC}\\${ESC}^pm payload${ESC}\\${ESC}Xsos payload${ESC}\\strings done\r\n`,
    `${ESC}(0lqqqk${ESC}(B box ${'\u009b'}1mC1 bold${'\u009b'}0m ${ESC}[3\b1mBS in CSI${ESC}[m\r\n`,
    `Grüße, 世界 🌍🚀 — naïve cafe\u0301 ✓ ｆｕｌｌ\r\n`,
    `${'0123456789'.repeat(6)}wraps here${ESC}[1;33m${'-'.repeat(49)}${ESC}[m${ESC}[K\r\n`,
    `${'abcdefghij'.repeat(5)}ｗｉｄｅ世 界${ESC}[?7l${'no wrap '.repeat(9)}${ESC}[?7h\r\n`,
    `${ESC}7${ESC}[5;20Hmoved${ESC}8back ${ESC}[6 q${ESC}[2 q${ESC}[0 q${ESC}[4 q${ESC}[?25l${ESC}[?25h${ESC}[4hins${ESC}[4l\r\n`,
    `${ESC}[1;35m${ESC}(0${ESC}7${ESC}(B${ESC}[0m${ESC}[6;30Hx${ESC}8qq${ESC}(B${ESC}[m saved colour\r\n`,
    `${ESC}[3;8r${ESC}[8;1H\r\nscrolled${ESC}[?6h${ESC}[2;3Horigin${ESC}[?6l${ESC}[r ${ESC}[1;1H${ESC}[2K${ESC}[1;33mrow one again${ESC}[0m${ESC}[?6h${ESC}[12;40Hfull origin${ESC}[?6l${ESC}[20;1H\r\n`,
    `${ESC}[?2026h${ESC}[?1049h${ESC}[H${ESC}[2J${ESC}[3;4H${ESC}[32m${ESC}7${ESC}[7m alt ${ESC}[27m${ESC}8saved${ESC}[?1049l${ESC}[?2026l${ESC}[!p soft reset\r\n`,
    `${'\u000e'}${ESC})0lqk${'\u000f'} SO/SI ${ESC}*0${ESC}n${'\u0078'}${ESC}(B${'\u000f'} G2\r\n`,
  ];
  const events: [number, string, string][] = lines.map((data, i) => [(i + 1) / 10, 'o', data]);
  // A resize between the two halves of a sequence, and back.
  events.push(
    [2, 'o', `${ESC}[1;3`],
    [2.1, 'r', '70x22'],
    [2.2, 'o', `2mgreen after a resize${ESC}[0m\r\n`],
    [2.3, 'r', '60x20'],
    [2.4, 'o', `${ESC}[3g${ESC}[1;5H${ESC}H${ESC}[1;13H${ESC}H${ESC}[20;1H\ttabs\tset\r\n`],
    [2.5, 'o', '\tat 5\tat 13\tlast\r\n'],
    // Line drawing shifted in while the cursor waits at the margin, inside a scroll region.
    [2.6, 'o', `${ESC}[1;19r${ESC}[19;1H${'x'.repeat(59)}q${ESC}(0`],
    [2.7, 'o', `qqq${ESC}(B${ESC}[r${ESC}[20;1H`],
    // REP repeats the character printed just before (ncurses sends it for runs).
    [2.8, 'o', `${ESC}[1;31m=${ESC}[9b${ESC}[0m é${ESC}[3b 世${ESC}[2b\r\n`],
    // REP in insert mode, in the middle of a row.
    [2.82, 'o', `tail of the row${ESC}[1G${ESC}[4hab${ESC}[3b${ESC}[4l\r\n`],
    // The cursor saved inside a link and restored inside another: the text after is linked.
    [
      2.85,
      'o',
      `${ESC}]8;;https://example.com/b${ESC}\\${ESC}7in${ESC}]8;;${ESC}\\ out ${ESC}]8;;https://example.com/c${ESC}\\${ESC}8linked${ESC}]8;;${ESC}\\\r\n`,
    ],
    // Colours set and given back (OSC 4, 10, 11, 12; 104, 111), and a query.
    [
      2.9,
      'o',
      `${ESC}]11;#102030${'\u0007'}${ESC}]4;1;rgb:ff/00/00;2;#00ff00${ESC}\\${ESC}]10;?${'\u0007'}${ESC}]12;#ffcc00${ESC}\\red${ESC}]104;2${ESC}\\${ESC}]111${'\u0007'}\r\ndone\r\n`,
    ],
  );
  return cast(60, 20, events);
}
