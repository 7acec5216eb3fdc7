/**
 * Prompt-injection heuristics for `policies.safety.block_prompt_injection` (seed 004 §5.4.4).
 *
 * Each rule that fires adds its weight once; a text whose score reaches INJECTION_THRESHOLD (1) is
 * an injection. Strong rules (weight 1) are phrasings that ordinary business text does not use:
 * "ignore all previous instructions", "reveal your system prompt", "you are now DAN", chat-template
 * tokens such as `<|im_start|>`, an encoded blob that decodes to one of those, invisible Unicode
 * tag characters. Weak rules (0.5) are signals with innocent uses ("from now on you will…", a
 * pasted "Assistant:" line, zero-width characters from a web page, "ignore the rules in chapter 3"),
 * so one alone never blocks and any two together do.
 *
 * Evasion: rules run on a normalised copy (NFKC, so full-width letters become ASCII; zero-width and
 * bidi controls removed; tag characters decoded to the ASCII they hide), and base64/hex blobs are
 * decoded and checked with the same rules.
 */

export interface InjectionReport {
  score: number;
  /** Ids of the rules that fired, in rule order. */
  rules: string[];
  injected: boolean;
}

/** Score at or above which a text is treated as a prompt injection. */
export const INJECTION_THRESHOLD = 1;

interface TextRule {
  id: string;
  weight: number;
  patterns: readonly RegExp[];
}

const QUALIFIERS = '(?:all|any|every|each|the|of|your|these|those|previous|prior|above|earlier|preceding|foregoing|former|initial|original|system|existing|current|safety|developer|given|old|other)';
const DISMISS = '\\b(?:ignore|disregard|forget|override|bypass|neglect|skip)\\b[\\s,]+';
const SECRET_QUALIFIERS = '(?:(?:full|entire|exact|original|initial|hidden|secret|internal|complete|system)\\s+)*';

const TEXT_RULES: readonly TextRule[] = [
  {
    id: 'ignore_instructions',
    weight: 1,
    patterns: [new RegExp(`${DISMISS}(?:${QUALIFIERS}[\\s,]+){1,5}(?:instructions?|prompts?|directives?|guardrails|programming|commands?|system\\s+messages?)\\b`, 'i')],
  },
  {
    id: 'system_prompt_exfiltration',
    weight: 1,
    patterns: [
      new RegExp(`\\b(?:reveal|print|repeat|dump|leak|disclose|output|expose|write\\s+out)\\b[^.?!\\n]{0,40}?\\b(?:your\\s+${SECRET_QUALIFIERS}(?:prompt|instructions|system\\s+message)|the\\s+${SECRET_QUALIFIERS}system\\s+(?:prompt|message|instructions))\\b`, 'i'),
      /\b(?:show|tell|give|share|display|what\s+(?:is|are|was|were))\b[^.?!\n]{0,40}?\b(?:your\s+(?:(?:full|entire|exact|original|initial|hidden|secret|internal|complete)\s+)*(?:system\s+(?:prompt|message|instructions)|(?:original|initial|hidden|secret|internal)\s+(?:prompt|instructions))|the\s+(?:(?:full|entire|exact|original|initial|hidden|secret|internal|complete)\s+)*system\s+prompt)\b/i,
    ],
  },
  {
    id: 'persona_jailbreak',
    weight: 1,
    patterns: [
      // Case-sensitive: "DAN" the jailbreak persona, not Dan the colleague.
      /\b(?:you\s+are\s+(?:now\s+)?|act\s+as\s+|behave\s+as\s+)(?:DAN|STAN|DUDE)\b/,
      /\bDAN\s+mode\b/,
      /\bdo\s+anything\s+now\b/i,
      /\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken)\s+(?:AI|assistant|model|chatbot|language\s+model)\b/i,
      /\b(?:(?:jailbreak|god)\s+mode\s+(?:enabled|activated|on)|(?:enable|activate|enter)\s+(?:jailbreak|god)\s+mode)\b/i,
    ],
  },
  {
    id: 'special_tokens',
    weight: 1,
    patterns: [/<\|[A-Za-z_]{2,32}\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:im_start|im_end)>/],
  },
  {
    id: 'ignore_rules',
    weight: 0.5,
    patterns: [new RegExp(`${DISMISS}(?:${QUALIFIERS}[\\s,]+){1,5}(?:rules|guidelines|constraints|restrictions|policies|limitations|filters|safeguards)\\b`, 'i')],
  },
  {
    id: 'ignore_context',
    weight: 0.5,
    patterns: [/\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:of\s+)?(?:everything(?:\s+(?:above|before|previously))?|the\s+above|what\s+you\s+were\s+told)\b/i],
  },
  {
    id: 'repeat_context',
    weight: 0.5,
    patterns: [/\b(?:repeat|print|output)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:words|text|everything)\s+(?:above|before\s+this)\b/i],
  },
  {
    id: 'roleplay_no_limits',
    weight: 0.5,
    patterns: [
      /\b(?:pretend|imagine|role-?play|act\s+as\s+if|suppose)\b[^.?!\n]{0,60}?\b(?:no|without(?:\s+any)?)\s+(?:restrictions|rules|filters|limitations|guidelines|censorship|boundaries|ethics|morals)\b/i,
      /\bno\s+longer\s+(?:bound|restricted|limited|constrained)\s+by\b/i,
    ],
  },
  {
    id: 'persona_persistence',
    weight: 0.5,
    patterns: [/\bstay\s+in\s+character\b/i, /\bfrom\s+now\s+on,?\s+you\s+(?:are|will|must|shall)\b/i],
  },
  { id: 'developer_mode', weight: 0.5, patterns: [/\bdeveloper\s+mode\b/i] },
  { id: 'role_markers', weight: 0.5, patterns: [/(?:^|\n)[ \t]*(?:#{1,3}[ \t]*)?(?:system|assistant|developer)[ \t]*:/i] },
];

// Unicode tag characters (U+E0000–E007F) render as nothing and spell ASCII ("ASCII smuggling").
// Their one legitimate use is a subdivision flag (🏴 + tag letters + cancel tag), excluded here.
const TAG_CHARACTER = /[\u{E0000}-\u{E007F}]/u;
const TAG_CHARACTERS = /[\u{E0000}-\u{E007F}]/gu;
const SUBDIVISION_FLAG = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,7}\u{E007F}/gu;
// Zero-width space, word joiner, bidi embeddings/overrides/isolates, and a BOM after the start.
// ZWJ and ZWNJ are left out of the signal: emoji sequences and Persian or Indic text need them.
const HIDDEN_CHARACTER = /[\u200B\u2060\u202A-\u202E\u2066-\u2069]|(?<!^)\uFEFF/u;
const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const NON_ASCII = /[\u0080-\u{10FFFF}]/u;

const BASE64_BLOB = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_BLOB = /(?:[0-9A-Fa-f]{2}){12,}/g;
/** Blobs decoded per text, and characters decoded per blob: the check must stay cheap on 1 MB bodies. */
const MAX_BLOBS = 32;
const MAX_BLOB_CHARS = 65_536;

/** Scores one text; see the module comment for the rules and the threshold. */
export function analyzePromptInjection(text: string): InjectionReport {
  const fired = new Set<string>();
  const normalised = normalise(text);
  for (const rule of TEXT_RULES) if (rule.patterns.some((pattern) => pattern.test(normalised))) fired.add(rule.id);
  if (NON_ASCII.test(text)) {
    if (TAG_CHARACTER.test(text.replace(SUBDIVISION_FLAG, ''))) fired.add('invisible_tag_characters');
    if (HIDDEN_CHARACTER.test(text)) fired.add('hidden_characters');
  }
  if (encodedInstructions(text)) fired.add('encoded_instructions');
  const rules = [...fired];
  const score = rules.reduce((sum, id) => sum + (WEIGHTS.get(id) ?? 0), 0);
  return { score, rules, injected: score >= INJECTION_THRESHOLD };
}

const WEIGHTS = new Map<string, number>([
  ...TEXT_RULES.map((rule): [string, number] => [rule.id, rule.weight]),
  ['invisible_tag_characters', 1],
  ['encoded_instructions', 1],
  ['hidden_characters', 0.5],
]);

function normalise(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const revealed = text.replace(TAG_CHARACTERS, (char) => {
    const ascii = (char.codePointAt(0) ?? 0) - 0xe0000;
    return ascii >= 0x20 && ascii <= 0x7e ? String.fromCharCode(ascii) : '';
  });
  return revealed.replace(INVISIBLE_CHARACTERS, '').normalize('NFKC');
}

/** True when a base64 or hex blob decodes to readable text that a strong or weak text rule flags. */
function encodedInstructions(text: string): boolean {
  let blobs = 0;
  for (const [pattern, encoding] of [
    [HEX_BLOB, 'hex'],
    [BASE64_BLOB, 'base64'],
  ] as const) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null && blobs < MAX_BLOBS; match = pattern.exec(text)) {
      blobs += 1;
      const decoded = Buffer.from(match[0].slice(0, MAX_BLOB_CHARS), encoding).toString('utf8');
      if (decoded.length < 8 || !mostlyPrintable(decoded)) continue;
      const normalised = normalise(decoded);
      if (TEXT_RULES.some((rule) => rule.patterns.some((p) => p.test(normalised)))) return true;
    }
  }
  return false;
}

function mostlyPrintable(text: string): boolean {
  let printable = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code >= 0x20 && code <= 0x7e) || code === 0x0a || code === 0x0d || code === 0x09) printable += 1;
  }
  return printable >= text.length * 0.9;
}
