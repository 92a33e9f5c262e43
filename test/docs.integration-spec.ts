import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answerOf,
  looksLikeUncheckedAnswer,
  markdownPages,
  mismatches,
  parseAnswer,
  parsePattern,
  readPage,
  scanPage,
  SHELL_LANGS,
  type Answer,
  type Block,
} from './support/doc-examples';
import { FIXTURES } from './support/images';
import { testDatabase, type TestDatabase } from './support/database';
import { freePort, startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(240_000);

/**
 * Docs are tested: every shell example of the documentation that calls the API runs as written,
 * with a real `bash` and `curl`, against the built server started as its own process, and every
 * `# -> {…}` answer shown is checked (rules: test/support/doc-examples.ts).
 *
 * How the examples meet a real installation:
 * - All run blocks of a page run in order in ONE bash session (`set -Eeuo pipefail`), so variables
 *   (ADMIN, TOKEN, CLIENT_ID, IDT …) come from the earlier blocks that compute them.
 * - The working directory is laid out like the README's: `data/` is the server's data directory
 *   (FACENITION_DATA_DIR: `cat data/admin-token` reads the credential the server generated), and
 *   `../shared/datasets/lfw/images/<name>/<photo>.jpg` holds the test fixtures of that name.
 * - The only text changed is the base URL: `http://localhost:8080` and `http://127.0.0.1:8080`
 *   become the started server, `https://facenition-b.internal` a second deployment holding the same
 *   deployment key, whose admin credential the session gets as ADMIN_B.
 * - `curl` is a shell function that runs the real curl with the same arguments and records each
 *   call's HTTP status and answer; after each `# -> ` line the harness adds one bookkeeping line
 *   that ties the answer to the last call. Any non-2xx answer fails unless its `# -> ` line names
 *   that status.
 */

/** Pages whose shell examples call the API; the static check below fails when another page has one. */
const PAGES = ['README.md', 'deploy/INSTALL.md', 'docs/integrations/generic-oidc.md', 'docs/integrations/entra-eam.md'];

/** The two calls of the public developer documentation (#10 §1): they must appear and run verbatim. */
const DOCUMENTED_CALLS = [
  {
    path: '/generate',
    text: `# enrolment: store the token, discard the photo
curl -X POST $BASE/generate -H "X-Auth-Token: $FACENITION_TOKEN" \\
  -F "photo=@enroll.jpg" -F "password=$USER_SECRET" -F "scope=app:login" -F "accuracy=4"
# -> { "ok": true, "token": "...", ... }`,
  },
  {
    path: '/authenticate',
    text: `# verification: a live face against the stored token
curl -X POST $BASE/authenticate -H "X-Auth-Token: $FACENITION_TOKEN" \\
  -F "token=$STORED_TOKEN" -F "photo=@probe.jpg" -F "password=$USER_SECRET" -F "scope=app:login" -F "accuracy=4"
# -> { "ok": true, "authenticated": true }`,
  },
];

const FORBIDDEN_CURL_OPTIONS = /(^|\s)(-o|--output|-O|--remote-name|-w|--write-out)(\s|=|$)/m;
const LFW_PATH = /\.\.\/shared\/datasets\/lfw\/images\/([\w.-]+)\/([\w.-]+\.jpg)/g;

const runnable = (b: Block) => b.callsApi && !b.skip;

function scanAll() {
  const problems: string[] = [];
  const pages = new Map<string, Block[]>();
  for (const page of markdownPages()) {
    const scan = scanPage(page, readPage(page));
    problems.push(...scan.problems);
    const api = scan.blocks.filter((b) => b.callsApi);
    if (api.length && !PAGES.includes(page)) {
      problems.push(`${page}:${api[0].fence}: shows API calls but is not covered by the doc test (add it to PAGES)`);
    }
    for (const b of api) {
      if (!SHELL_LANGS.has(b.lang))
        problems.push(`${page}:${b.fence}: API calls in a \`\`\`${b.lang || '(no language)'} block: make it \`\`\`sh`);
    }
    for (const b of scan.blocks.filter(runnable)) {
      const text = b.lines.join('\n');
      if (FORBIDDEN_CURL_OPTIONS.test(text)) {
        problems.push(`${page}:${b.fence}: -o/-w in a run block (the harness records answers itself): redirect with > instead`);
      }
      b.lines.forEach((l, n) => {
        if (looksLikeUncheckedAnswer(l)) problems.push(`${page}:${b.fence + 1 + n}: an answer comment must read '# -> {…}' to be checked`);
        const a = answerOf(l);
        if (a !== undefined) {
          try {
            parseAnswer(a);
          } catch (e) {
            problems.push(`${page}:${b.fence + 1 + n}: ${(e as Error).message}`);
          }
        }
      });
    }
    pages.set(page, scan.blocks);
  }
  for (const page of PAGES) {
    if (!pages.get(page)?.some(runnable)) problems.push(`${page}: listed in PAGES but has no API example to run`);
  }
  return { pages, problems };
}

// ---------- running a page ----------

interface Call {
  n: number;
  line: string;
  args: string;
  status: number;
  body: string;
}

interface Expectation {
  where: string;
  text: string;
  answer?: Answer;
  call?: Call;
  problems: string[];
}

interface PageRun {
  page: string;
  ran: Block[];
  skipped: Block[];
  notRun: Block[];
  calls: Call[];
  expectations: Expectation[];
  problems: string[];
  seconds: number;
}

interface Target {
  cwd: string;
  env: Record<string, string>;
  addresses: [string, string][];
}

const PREAMBLE = [`source '${join(__dirname, 'support/doc-session.sh')}'`];

async function runPage(page: string, blocks: Block[], target: Target): Promise<PageRun> {
  const started = Date.now();
  const ran = blocks.filter(runnable);
  const run: PageRun = {
    page,
    ran,
    skipped: blocks.filter((b) => b.skip),
    notRun: blocks.filter((b) => !b.callsApi && !b.skip),
    calls: [],
    expectations: [],
    problems: [],
    seconds: 0,
  };
  const log = mkdtempSync(join(target.cwd, '../doc-log-'));
  const script = [...PREAMBLE];
  const origin: (string | undefined)[] = PREAMBLE.map(() => undefined);
  const push = (text: string, where?: string) => {
    script.push(text);
    origin.push(where);
  };
  const previousMark: string[] = [];
  ran.forEach((b, bi) => {
    push(`__doc_mark block-${bi}`, `${page}:${b.fence}`);
    let from = `block-${bi}`;
    b.lines.forEach((raw, n) => {
      const where = `${page}:${b.fence + 1 + n}`;
      let line = raw;
      for (const [documented, actual] of target.addresses) line = line.split(documented).join(actual);
      if (/localhost|:8080\b|facenition-b\.internal/.test(line))
        run.problems.push(`${where}: an address the harness does not map: ${raw.trim()}`);
      push(line, where);
      const a = answerOf(raw);
      if (a === undefined) return;
      const k = run.expectations.length;
      const e: Expectation = { where, text: a, problems: [] };
      try {
        e.answer = parseAnswer(a);
      } catch (err) {
        e.problems.push((err as Error).message);
      }
      run.expectations.push(e);
      previousMark.push(from);
      from = `expect-${k}`;
      push(`__doc_mark expect-${k}`, where);
    });
  });
  const scriptFile = join(log, 'session.sh');
  writeFileSync(scriptFile, script.join('\n') + '\n');

  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('bash', [scriptFile], {
      cwd: target.cwd,
      env: { ...target.env, DOC_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 150_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stderr: err });
    });
  });

  const read = (f: string) => (existsSync(join(log, f)) ? readFileSync(join(log, f), 'utf8') : undefined);
  const lineOf = (scriptLine: string | undefined) => origin[Number(scriptLine) - 1] ?? `harness line ${scriptLine}`;
  const count = Number(read('count') ?? 0);
  for (let n = 1; n <= count; n++) {
    run.calls.push({
      n,
      line: lineOf(read(`${n}.line`)?.trim()),
      args: read(`${n}.args`) ?? '',
      status: Number(read(`${n}.status`)),
      body: read(`${n}.body`) ?? '',
    });
  }
  if (code !== 0) {
    const tail = stderr
      .replace(/^\s*% Total.*$|^\s*Dload.*$|^.*\r.*$/gm, '')
      .trim()
      .slice(-800);
    const failed = read('failed');
    // an unset variable (set -u) stops bash without running the ERR trap
    const bashError = /session\.sh: line (\d+): (.*)/.exec(stderr);
    if (failed) {
      const [rc, line, ...command] = failed.split('\t');
      run.problems.push(`${lineOf(line)}: \`${command.join('\t').slice(0, 200)}\` exited with ${rc}; the session stopped there.\n${tail}`);
    } else {
      run.problems.push(`${lineOf(bashError?.[1])}: ${bashError?.[2] ?? `bash exited with ${code}`}; the session stopped there.\n${tail}`);
    }
  }

  const expectedStatus = new Map<number, number>();
  run.expectations.forEach((e, k) => {
    const at = read(`expect-${k}`);
    if (at === undefined) {
      if (code === 0) e.problems.push('not reached');
      return;
    }
    const before = Number(read(previousMark[k]) ?? 0);
    const n = Number(at);
    if (n <= before) {
      e.problems.push('follows no API call (the answer belongs to the last call before it)');
      return;
    }
    e.call = run.calls[n - 1];
    if (!e.answer) return;
    if (e.answer.status !== undefined) {
      expectedStatus.set(n, e.answer.status);
      if (e.call.status !== e.answer.status) e.problems.push(`expected HTTP ${e.answer.status}, got ${e.call.status}`);
    }
    if (e.answer.body) {
      let body: unknown;
      try {
        body = JSON.parse(e.call.body);
      } catch {
        e.problems.push(`the answer is not JSON: ${e.call.body.slice(0, 200)}`);
        return;
      }
      e.problems.push(...mismatches(e.answer.body, body));
    }
  });
  for (const c of run.calls) {
    if (!expectedStatus.has(c.n) && !(c.status >= 200 && c.status < 300)) {
      run.problems.push(`${c.line}: HTTP ${c.status} ${c.body.slice(0, 300)}\n  request: ${c.args.slice(0, 400)}`);
    }
  }
  for (const e of run.expectations) {
    if (e.problems.length) {
      run.problems.push(
        `${e.where}: answer differs from '# -> ${e.text}':\n  ${e.problems.join('\n  ')}\n  answer: ${e.call?.body.slice(0, 400) ?? '-'}`,
      );
    }
  }
  rmSync(log, { recursive: true, force: true });
  run.seconds = (Date.now() - started) / 1000;
  return run;
}

// ---------- the suite ----------

describe('documentation examples', () => {
  const { pages, problems: scanProblems } = scanAll();

  it('every page with API examples is covered; markers and answer comments are well-formed', () => {
    expect(scanProblems).toEqual([]);
  });

  describe('answer patterns (the checker itself)', () => {
    const check = (pattern: string, actual: unknown) => mismatches(parsePattern(pattern), actual);
    it('matches shapes, literals and numbers at the precision shown', () => {
      expect(check('{ "ok": true, "token": "...", ... }', { ok: true, token: 'AQEP', token_id: 'x' })).toEqual([]);
      expect(check('{"ok":true,"similarity":0.77,…}', { ok: true, similarity: 0.7687, accuracy: 4 })).toEqual([]);
      expect(check('{"a":[{"i":0,…},…],"b":"3f…"}', { a: [{ i: 0, x: 1 }, { i: 1 }], b: 'zz' })).toEqual([]);
    });
    it('reports what differs', () => {
      expect(check('{"ok":true,"authenticated":true}', { ok: true, authenticated: false })).toEqual([
        '$.authenticated: expected true, got false',
      ]);
      expect(check('{"ok":true}', { ok: true, extra: 1 })[0]).toMatch(/unexpected key\(s\) extra/);
      expect(check('{"ok":true,"token":"…"}', { ok: true })).toEqual(['$.token: missing']);
      expect(check('{"similarity":0.77}', { similarity: 0.7751 })).toEqual(['$.similarity: expected 0.77, got 0.7751']);
      expect(check('{"outliers":[2]}', { outliers: [] })).toEqual(['$.outliers: expected 1 element(s), got 0']);
      expect(parseAnswer('409 {"ok":false,…}').status).toBe(409);
      expect(() => parsePattern('{"ok":tru}')).toThrow(/unexpected character/);
    });
  });

  describe('run against a started server', () => {
    let root: string;
    const dbs: TestDatabase[] = [];
    const servers: ServerProcess[] = [];
    const runs = new Map<string, PageRun>();

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'facenition-docs-'));
      const pepper = Buffer.alloc(32, 7).toString('base64'); // B must hold A's deployment key to check A's status list
      const start = async (name: string) => {
        const db = await testDatabase();
        dbs.push(db);
        const dataDir = join(root, `data-${name}`);
        mkdirSync(dataDir);
        // the OpenID Connect provider is on (docs/integrations register relying parties): its issuer names the port
        const port = await freePort();
        const server = await startServerProcess(
          {
            FACENITION_DATA_DIR: dataDir,
            FACENITION_WORKERS: '1',
            FACENITION_METRICS_PORT: '0',
            FACENITION_PEPPER: pepper,
            FACENITION_OIDC_ISSUER: `http://127.0.0.1:${port}/oidc`,
            ...(db.url ? { DATABASE_URL: db.url } : {}),
          },
          undefined,
          port,
        );
        servers.push(server);
        return { server, dataDir };
      };
      const [a, b] = await Promise.all([start('a'), start('b')]);

      const cwd = join(root, 'main');
      mkdirSync(cwd);
      mkdirSync(join(root, 'home'));
      symlinkSync(a.dataDir, join(cwd, 'data'));
      const target: Target = {
        cwd,
        addresses: [
          ['http://localhost:8080', a.server.base],
          ['http://127.0.0.1:8080', a.server.base],
          ['https://facenition-b.internal', b.server.base],
        ],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: join(root, 'home'), // no ~/.curlrc
          LANG: 'C.UTF-8',
          ADMIN_B: readFileSync(join(b.dataDir, 'admin-token'), 'utf8').trim(),
        },
      };
      for (const page of PAGES) {
        const blocks = pages.get(page) ?? [];
        for (const m of blocks.filter(runnable).flatMap((bl) => [...bl.lines.join('\n').matchAll(LFW_PATH)])) {
          const fixture = join(FIXTURES, m[2]);
          if (!existsSync(fixture)) throw new Error(`${page} uses ${m[0]}: not a test fixture (test/fixtures/README.md)`);
          mkdirSync(join(root, 'shared/datasets/lfw/images', m[1]), { recursive: true });
          copyFileSync(fixture, join(root, 'shared/datasets/lfw/images', m[1], m[2]));
        }
        runs.set(page, await runPage(page, blocks, target));
      }
      for (const r of runs.values()) {
        const list = (bs: Block[]) => bs.map((bl) => `${r.page}:${bl.fence}`).join(', ') || '-';
        console.log(
          [
            `${r.page}: ${r.ran.length} block(s) run in ${r.seconds.toFixed(1)} s (${list(r.ran)}), ${r.calls.length} API calls, ` +
              `${r.expectations.length} answers checked`,
            ...r.skipped.map((bl) => `  skipped ${r.page}:${bl.fence}: ${bl.skip}`),
            `  not run (no API call): ${list(r.notRun)}`,
            `  addresses: ${target.addresses.map(([d, x]) => `${d} -> ${x}`).join(', ')}`,
          ].join('\n'),
        );
      }
    });

    afterAll(async () => {
      await Promise.all(servers.map((s) => stopServerProcess(s)));
      for (const db of dbs) await db.drop();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it.each(PAGES)('%s: every API example runs as written and answers as shown', (page) => {
      const run = runs.get(page)!;
      expect(run.problems).toEqual([]);
      expect(run.calls.length).toBeGreaterThan(0);
      expect(run.expectations.every((e) => e.call)).toBe(true);
    });

    it('the two calls of the public developer documentation (#10) run verbatim from the README', () => {
      const readme = runs.get('README.md')!;
      for (const documented of DOCUMENTED_CALLS) {
        const lines = documented.text.split('\n');
        const block = readme.ran.find((b) => b.lines.join('\n').includes(documented.text));
        expect({ call: lines[1], inReadmeRunBlock: Boolean(block) }).toEqual({ call: lines[1], inReadmeRunBlock: true });
        const at = block!.lines.findIndex((l, n) => lines.every((d, k) => block!.lines[n + k] === d));
        const answer = readme.expectations.find((e) => e.where === `README.md:${block!.fence + 1 + at + lines.length - 1}`);
        expect(answer?.problems).toEqual([]);
        expect(answer?.call?.args).toContain(`${documented.path} `);
        expect(answer?.call?.status).toBe(200);
      }
    });
  });
});
