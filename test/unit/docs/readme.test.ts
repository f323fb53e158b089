/**
 * The README and docs/ tell the truth about what the repository holds: the example alert is what the
 * alert code renders, every link leads somewhere, nothing points outside the repository, and the
 * license and Node.js version the package declares are the ones it has and needs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_PROTOCOLS } from '../../../shared/network/protocol-ports.ts';
import { TAGS } from '../../../shared/policy/settings.ts';
import { NARROWED_FROM_TAG } from '../../../shared/remediation/plan.ts';
import { readmeAlertExample } from '../../support/readme-alert-example.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorsOf = (markdown: string): Set<string> =>
  new Set(
    markdown
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) =>
        line
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replaceAll(' ', '-'),
      ),
  );

/** Markdown links outside code blocks and code spans: [text](target). */
const linksOf = (markdown: string): string[] =>
  Array.from(
    markdown
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
    (m) => m[1] ?? '',
  );

describe('README example alert', () => {
  it('is the e-mail and Slack message the alert code renders for the golden scenario', async () => {
    // Prepare
    const readme = read('README.md');
    const start = readme.indexOf('-->\n', readme.indexOf('<!-- example-alert:')) + '-->\n'.length;
    const end = readme.indexOf('\n<!-- /example-alert -->');

    // Act
    const shown = readme.slice(start, end);

    // Assess
    expect(start).toBeGreaterThan('-->\n'.length);
    expect(end).toBeGreaterThan(start);
    // When the alert text changes on purpose, paste the expected text below into the README.
    expect(shown).toBe(await readmeAlertExample());
  });
});

/** The lines of the README section under `## title`. */
const section = (title: string): string => {
  const readme = read('README.md');
  const start = readme.indexOf(`\n## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return start === -1 ? '' : readme.slice(start, end === -1 ? undefined : end);
};

describe('README tags', () => {
  it('lists exactly the tags mq-guardian reads and writes', () => {
    // Act
    const listed = Array.from(section('Tags').matchAll(/^\| `(mq-guardian:[a-z-]+)`/gm), (m) => m[1]);

    // Assess
    expect(listed.toSorted()).toEqual([...Object.values(TAGS), NARROWED_FROM_TAG].toSorted());
  });

  it('names the protocols each engine accepts in mq-guardian:protocols', () => {
    // Act
    const row = section('Tags').match(/`([a-z, ]+)` for ActiveMQ; `([a-z, ]+)` for RabbitMQ/);
    const names = (list = '') => list.split(',').map((p) => p.trim());

    // Assess
    expect(names(row?.[1]).toSorted()).toEqual([...ENGINE_PROTOCOLS.ACTIVEMQ].toSorted());
    expect(names(row?.[2]).toSorted()).toEqual([...ENGINE_PROTOCOLS.RABBITMQ].toSorted());
  });
});

describe('links in the README and docs/', () => {
  it('are found (the README links to docs/ and to its own headings)', () => {
    // Act
    const links = linksOf(read('README.md'));

    // Assess
    expect(links).toContain('docs/cli.md');
    expect(links.some((link) => link.startsWith('#'))).toBe(true);
  });

  it.each(DOCUMENTS)('%s links only to files and headings that exist', (document) => {
    // Prepare
    const markdown = read(document);

    // Act
    const broken = linksOf(markdown).filter((link) => {
      if (/^https?:\/\//.test(link)) return false;
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? document : relative(ROOT, resolve(ROOT, dirname(document), path));
      if (!existsSync(join(ROOT, target))) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor);
    });

    // Assess
    expect(broken).toEqual([]);
  });
});

/** The team's working notes live outside the repository; nothing shipped may send a reader there. */
const OUTSIDE_CITATION =
  /DESIGN\.md|STYLE\.md|performance-notes|aws-facts|design folder|\/work\/shared|shared\/reference\//i;
const NOT_SHIPPED = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'dist', 'coverage']);
const THIS_FILE = relative(ROOT, fileURLToPath(import.meta.url));

/** Every file of the repository below `dir`, as paths relative to the root. */
const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return NOT_SHIPPED.has(entry.name) ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });

describe('the repository', () => {
  it('cites no document outside it, in code, comments, templates or docs', () => {
    // Prepare
    const files = filesUnder('').filter((f) => f !== THIS_FILE && statSync(join(ROOT, f)).size < 2_000_000);

    // Act
    const citing = files.filter((f) => OUTSIDE_CITATION.test(read(f)));

    // Assess
    expect(files).toContain('serverless.yml');
    expect(citing).toEqual([]);
  });

  it.each(DOCUMENTS)('%s sends no reader to a folder beside the repository', (document) => {
    // Act
    const markdown = read(document);

    // Assess
    expect(markdown).not.toMatch(/\.\.\/shared|\.\.\/\.\.\//);
  });
});

describe('package metadata', () => {
  it('ships the license package.json names, in full', () => {
    // Prepare
    const pkg = JSON.parse(read('package.json')) as { license: string };

    // Act
    const license = read('LICENSE');

    // Assess
    expect(pkg.license).toBe('Apache-2.0');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  /** The lowest version a range admits ("^22.12.0 || >=24" → [22, 12]). */
  const lowest = (range: string): [number, number] =>
    range
      .split('||')
      .map((part): [number, number] => {
        const [major = 0, minor = 0] = (part.match(/(\d+)(?:\.(\d+))?/)?.slice(1) ?? []).map((n) =>
          Number(n ?? 0),
        );
        return [major, minor];
      })
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])[0] ?? [0, 0];

  it.each(['@middy/core', 'vitest', '@aws-sdk/client-ec2'])(
    'declares a Node.js version %s supports',
    (dependency) => {
      // Prepare
      const ours = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
      const theirs = (
        JSON.parse(read(`node_modules/${dependency}/package.json`)) as { engines: { node: string } }
      ).engines.node;

      // Act
      const [ourMajor, ourMinor] = lowest(ours);
      const [major, minor] = lowest(theirs);

      // Assess
      expect(ourMajor > major || (ourMajor === major && ourMinor >= minor)).toBe(true);
    },
  );
});

describe('the README command-line table', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## The command line'), readme.indexOf('## FAQ'));
  const rows = [...section.matchAll(/^\| `npx mq-guardian (\S+)[^`]*` \| ([^|]+) \|/gm)].map((m) => ({
    command: m[1] ?? '',
    changes: (m[2] ?? '').trim(),
  }));

  it('says for every command whether it changes the AWS account', () => {
    // Assess
    expect(section).toContain('| command | changes your AWS account | what it does |');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row.changes, row.command).toMatch(/^(no\b|\*\*yes\*\*)/);
  });

  it('marks scan, and only scan, as writing (with --remediate --mode enforce)', () => {
    // Assess
    const writing = rows.filter((r) => r.changes.startsWith('**yes**'));
    expect(writing.map((r) => r.command)).toEqual(['scan']);
    expect(writing[0]?.changes).toContain('`--remediate --mode enforce`');
  });
});

describe('events/accounts/README.md', () => {
  const text = read('events/accounts/README.md');
  const files = readdirSync(join(ROOT, 'events', 'accounts')).filter((f) => f.endsWith('.json'));
  const scenarios = text.slice(text.indexOf('## Safety scenarios'));
  const table = scenarios.slice(0, scenarios.indexOf('\n## ') > 0 ? scenarios.indexOf('\n## ') : undefined);
  const scenarioAccounts = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/`([a-z0-9-]+\.json)`/g)].map((n) => n[1] ?? ''),
  );

  it('describes every recorded account in the folder', () => {
    // Assess
    for (const file of files) expect(text, file).toContain(`\`${file}\``);
  });

  it('lists as safety scenarios only accounts that exist, each with the events of events/scenarios/<same name>/', () => {
    // Assess
    expect(scenarioAccounts.length).toBeGreaterThan(0);
    for (const file of scenarioAccounts) {
      expect(files, file).toContain(file);
      const dir = join(ROOT, 'events', 'scenarios', file.replace(/\.json$/, ''));
      expect(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')), dir).toBe(true);
    }
  });
});
