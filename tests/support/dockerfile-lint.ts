/**
 * A small Dockerfile linter in the spirit of hadolint (https://github.com/hadolint/hadolint), pure:
 * text in, findings out. No Docker engine runs in CI, so the image is checked as text. The rule
 * codes follow hadolint's where one exists (DL…); HG… are ours. Each rule is tested with a bad
 * snippet in tests/unit/deploy-dockerfile.test.ts.
 */

export interface Instruction {
  /** 1-based line of the instruction's first line. */
  readonly line: number;
  /** Upper case: FROM, RUN, COPY… */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
}

export interface Stage {
  /** The image after ARG defaults declared before the first FROM are substituted. */
  readonly image: string;
  readonly name: string | undefined;
  readonly from: Instruction;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  readonly globalArgs: ReadonlyMap<string, string>;
  /** The ARG instructions before the first FROM. */
  readonly preamble: readonly Instruction[];
  readonly stages: readonly Stage[];
}

export interface Finding {
  readonly code: string;
  readonly line: number;
  readonly message: string;
}

/** Instructions, with `\` continuations joined and comments (and parser directives) left out. */
export function instructionsOf(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let start = 0;
  let parts: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (parts.length === 0 && (line === '' || line.startsWith('#'))) return;
    if (parts.length > 0 && line.startsWith('#')) return; // a comment inside a continued instruction
    if (parts.length === 0) start = i + 1;
    const continued = line.endsWith('\\');
    parts.push(continued ? line.slice(0, -1).trim() : line);
    if (continued) return;
    const joined = parts.filter((p) => p !== '').join(' ');
    parts = [];
    const m = /^(\S+)\s*(.*)$/.exec(joined);
    if (m !== null) out.push({ line: start, keyword: (m[1] ?? '').toUpperCase(), args: m[2] ?? '' });
  });
  return out;
}

function substitute(text: string, args: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a: string | undefined, b: string | undefined) => args.get(a ?? b ?? '') ?? whole);
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>();
  const preamble: Instruction[] = [];
  const stages: { image: string; name: string | undefined; from: Instruction; instructions: Instruction[] }[] = [];
  for (const ins of instructionsOf(text)) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ image: substitute(words[0] ?? '', globalArgs), name: as >= 0 ? words[as + 1] : undefined, from: ins, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage !== undefined) stage.instructions.push(ins);
    else if (ins.keyword === 'ARG') {
      preamble.push(ins);
      const [name, value] = ins.args.split('=', 2);
      globalArgs.set((name ?? '').trim(), (value ?? '').trim());
    }
  }
  return { globalArgs, preamble, stages };
}

/** The JSON (exec) form of CMD, ENTRYPOINT, SHELL or HEALTHCHECK CMD; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** `--name=value` flags at the start of COPY/ADD/HEALTHCHECK arguments, and what follows them. */
export function flagsOf(args: string): { readonly flags: ReadonlyMap<string, string>; readonly rest: string } {
  const flags = new Map<string, string>();
  let rest = args.trim();
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m !== null; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags.set(m[1] ?? '', m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** Names an ENV or ARG instruction defines. */
function definedNames(ins: Instruction): string[] {
  if (ins.keyword === 'ARG') return [ins.args.split('=')[0]?.trim() ?? ''];
  // ENV a=1 b="x y"  or the old  ENV a 1
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(ins.args)) return [ins.args.split(/\s+/)[0] ?? ''];
  return [...ins.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '');
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

type Rule = (file: Dockerfile) => Finding[];

const finding = (code: string, ins: Instruction, message: string): Finding => ({ code, line: ins.line, message });

const eachInstruction = (keyword: string, check: (ins: Instruction, stage: Stage) => string | undefined, code: string): Rule => (file) =>
  file.stages.flatMap((stage) =>
    stage.instructions.filter((i) => i.keyword === keyword).flatMap((ins) => {
      const message = check(ins, stage);
      return message === undefined ? [] : [finding(code, ins, message)];
    }),
  );

const stageNames = (file: Dockerfile): Set<string> => new Set(file.stages.flatMap((s) => (s.name === undefined ? [] : [s.name.toLowerCase()])));

const RULES: readonly Rule[] = [
  // DL3006 / DL3007: an image without a tag, or :latest, changes under you.
  (file) =>
    file.stages.flatMap((s) => {
      const image = s.image.split('@')[0] ?? '';
      if (image === 'scratch' || stageNames(file).has(image.toLowerCase())) return [];
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      if (tag === undefined) return s.image.includes('@') ? [] : [finding('DL3006', s.from, `FROM ${s.image}: pin the image by tag`)];
      return tag === 'latest' ? [finding('DL3007', s.from, `FROM ${s.image}: "latest" is not a version; pin a tag`)] : [];
    }),
  // HG001: a multi-stage build whose stages are named (COPY --from names them, not counts them).
  (file) => {
    if (file.stages.length < 2) return file.stages[0] === undefined ? [] : [{ code: 'HG001', line: file.stages[0].from.line, message: 'build in a named build stage and copy the result into a runtime stage (multi-stage)' }];
    return file.stages.filter((s) => s.name === undefined).map((s) => finding('HG001', s.from, `FROM ${s.image}: name the stage (FROM … AS name)`));
  },
  // DL3022-like: COPY --from must name a stage of this file (or an image), not an index.
  eachInstruction('COPY', (ins) => {
    const from = flagsOf(ins.args).flags.get('from');
    return from !== undefined && /^\d+$/.test(from) ? `COPY --from=${from}: name the stage instead of counting` : undefined;
  }, 'DL3022'),
  // DL3002 (and a missing USER): the image must not run as root.
  (file) => {
    const last = file.stages.at(-1);
    if (last === undefined) return [];
    const user = last.instructions.filter((i) => i.keyword === 'USER').at(-1);
    if (user === undefined) return [finding('DL3002', last.from, 'the final stage has no USER: the container would run as root')];
    const name = (user.args.split(':')[0] ?? '').trim();
    return name === 'root' || name === '0' ? [finding('DL3002', user, `USER ${user.args}: the last USER must not be root`)] : [];
  },
  // DL3025: JSON form for CMD and ENTRYPOINT (signals reach the process; no shell in between).
  (file) =>
    file.stages.flatMap((s) =>
      s.instructions.filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && execForm(i.args) === undefined).map((i) => finding('DL3025', i, `${i.keyword}: use the JSON form ["exe", "arg"]`)),
    ),
  // DL3014 / DL3015 / DL3009: apt-get install -y --no-install-recommends, lists removed in the same layer.
  eachInstruction('RUN', (ins) => (/apt-get\s+(-\S+\s+)*install/.test(ins.args) && !/\s(-y|--yes|-qq?y|--assume-yes)\b/.test(ins.args) ? 'apt-get install without -y' : undefined), 'DL3014'),
  eachInstruction('RUN', (ins) => (/apt-get\s+(-\S+\s+)*install/.test(ins.args) && !ins.args.includes('--no-install-recommends') ? 'apt-get install without --no-install-recommends' : undefined), 'DL3015'),
  eachInstruction('RUN', (ins) => (/apt-get\s+(-\S+\s+)*install/.test(ins.args) && !/rm\s+-r?f?r?\s+\/var\/lib\/apt\/lists/.test(ins.args) ? 'apt-get install: remove /var/lib/apt/lists/* in the same RUN' : undefined), 'DL3009'),
  // DL3004: no sudo in a build.
  eachInstruction('RUN', (ins) => (/(^|[\s;&|])sudo\s/.test(ins.args) ? 'do not use sudo: switch USER instead' : undefined), 'DL3004'),
  // HG002: npm ci installs exactly the lock file; npm install may not.
  eachInstruction('RUN', (ins) => (/\bnpm\s+(install|i)\b/.test(ins.args) ? 'use npm ci (the lock file), not npm install' : undefined), 'HG002'),
  // DL4006: a pipe hides the failure of its left side unless the shell has pipefail.
  (file) =>
    file.stages.flatMap((s) => {
      let pipefail = false;
      return s.instructions.flatMap((i) => {
        if (i.keyword === 'SHELL') pipefail = (execForm(i.args) ?? []).includes('pipefail');
        return i.keyword === 'RUN' && /[^|]\|[^|]/.test(i.args) && !pipefail && !i.args.includes('set -o pipefail') ? [finding('DL4006', i, 'RUN with a pipe: set SHELL ["/bin/bash", "-o", "pipefail", "-c"] first')] : [];
      });
    }),
  // DL3020 / HG003: ADD fetches URLs and unpacks archives behind your back; use COPY (and RUN for downloads).
  eachInstruction('ADD', (ins) => (/https?:\/\//.test(ins.args) ? 'ADD of a URL: download in a RUN with a checksum, or COPY a vetted file' : 'use COPY for files and folders'), 'DL3020'),
  // DL3000: WORKDIR absolute.
  eachInstruction('WORKDIR', (ins) => (ins.args.startsWith('/') || ins.args.startsWith('$') ? undefined : `WORKDIR ${ins.args}: use an absolute path`), 'DL3000'),
  // HG004: the runtime image says who owns what it copies (code read-only to the service, or its own).
  (file) => {
    const last = file.stages.at(-1);
    if (last === undefined || file.stages.length < 2) return [];
    return last.instructions.filter((i) => i.keyword === 'COPY' && !flagsOf(i.args).flags.has('chown')).map((i) => finding('HG004', i, 'COPY in the runtime stage without --chown: say who owns it'));
  },
  // HG005: a HEALTHCHECK in the runtime image.
  (file) => {
    const last = file.stages.at(-1);
    if (last === undefined) return [];
    const check = last.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
    if (check === undefined) return [finding('HG005', last.from, 'the final stage has no HEALTHCHECK')];
    return /^NONE\b/i.test(check.args) ? [finding('HG005', check, 'HEALTHCHECK NONE: the image must say how to check it')] : [];
  },
  // HG006 (like BuildKit's SecretsUsedInArgOrEnv): secrets in ENV or ARG stay in the image's history.
  (file) =>
    [...file.preamble, ...file.stages.flatMap((s) => s.instructions)]
      .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
      .flatMap((i) => definedNames(i).filter((n) => SECRET_NAME.test(n)).map((n) => finding('HG006', i, `${i.keyword} ${n}: a secret in ENV/ARG is kept in the image; pass it at run time`))),
];

/** Every finding, in line order. */
export function lintDockerfile(text: string): Finding[] {
  const file = parseDockerfile(text);
  return RULES.flatMap((rule) => rule(file)).sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}
