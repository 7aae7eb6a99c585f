import { createHash } from 'node:crypto';
import { Engine } from 'json-rules-engine';
import { fileSchemas, RESOLUTION_KINDS, type PolicyFile, type PolicyKind, type ResolutionKind } from './schema';
import { CORRECTION_SAMPLE_FACTS, DEFAULT_SAMPLE_FACTS, RESOLUTION_SAMPLE_FACTS, SOCIETY_SAMPLE_FACTS } from './sample-facts';

export interface LoadedFile<K extends PolicyKind = PolicyKind> {
  kind: K;
  file: string;
  label: string;
  /** `label+hash`: the label a person gave it and the hash of exactly what was loaded. */
  version: string;
  content: PolicyFile<K>;
  raw: string;
}

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}${path ? ` at ${path}` : ''}: ${reason}`);
    this.name = 'PolicyFileError';
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

export function versionOf(label: string, raw: string): string {
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
  return `${label}+${hash}`;
}

/**
 * Validates one policy file: JSON syntax, the schema of its kind, every rule accepted by
 * json-rules-engine, and a dry run on sample facts (which catches misspelt fact names and missing
 * fallback rules). Throws PolicyFileError naming the file, the path inside it and the reason.
 */
export async function validatePolicyFile(file: string, expectedKind: PolicyKind, raw: string): Promise<LoadedFile> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new PolicyFileError(file, '', `not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchemas[expectedKind].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PolicyFileError(file, pathText(issue.path), issue.message);
  }
  const content = parsed.data as PolicyFile<PolicyKind>;

  if (content.kind === 'notices') {
    const seen = new Set<string>();
    content.posting.forEach((p, i) => {
      if (seen.has(p.category)) throw new PolicyFileError(file, `posting[${i}].category`, `category ${p.category} appears twice`);
      seen.add(p.category);
    });
  }

  if (content.kind === 'products') {
    const seen = new Set<string>();
    content.products.forEach((p, i) => {
      if (seen.has(p.code)) throw new PolicyFileError(file, `products[${i}].code`, `product code ${p.code} appears twice`);
      seen.add(p.code);
    });
  }

  if ('rules' in content) {
    const names = new Set<string>();
    content.rules.forEach((rule, i) => {
      if (names.has(rule.name)) throw new PolicyFileError(file, `rules[${i}].name`, `rule name "${rule.name}" appears twice`);
      names.add(rule.name);
    });
    const engine = new Engine([], { allowUndefinedFacts: false });
    content.rules.forEach((rule, i) => {
      try {
        engine.addRule(rule as never);
      } catch (err) {
        throw new PolicyFileError(file, `rules[${i}].conditions`, (err as Error).message);
      }
    });
    const mustMatch = RESOLUTION_KINDS.includes(content.kind as ResolutionKind) || content.kind === 'corrections';
    const samples =
      content.kind === 'corrections' ? CORRECTION_SAMPLE_FACTS
      : content.kind === 'notices' ? SOCIETY_SAMPLE_FACTS
      : RESOLUTION_KINDS.includes(content.kind as ResolutionKind) ? RESOLUTION_SAMPLE_FACTS
      : DEFAULT_SAMPLE_FACTS;
    for (const facts of samples) {
      let matched: number;
      try {
        const result = await engine.run(facts);
        matched = result.events.length;
      } catch (err) {
        throw new PolicyFileError(file, 'rules', `dry run failed on sample facts ${JSON.stringify(facts)}: ${(err as Error).message}`);
      }
      if (matched === 0 && mustMatch) {
        throw new PolicyFileError(
          file,
          'rules',
          `no rule applies to a loan with facts ${JSON.stringify(facts)}; add a fallback rule with "conditions": { "all": [] }`,
        );
      }
    }
  }

  return { kind: expectedKind, file, label: content.label, version: versionOf(content.label, raw), content, raw };
}
