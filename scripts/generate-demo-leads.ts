// Writes resources/demo/leads.json: the 100 synthetic leads of the offline conference demo.
//
// Every person and company is made up: names are drawn from short word lists with a fixed seed,
// and every domain ends in `.example` (RFC 2606: reserved, never a real company). The file is
// committed; run this again only to change the data, then check the demo's scripted incidents
// still land on their leads (src-main/core/demo tests fail if they do not).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../src-main/runtime/llm/simulated-text';

const FIRST = ['Avery', 'Jordan', 'Priya', 'Mateo', 'Noor', 'Elena', 'Kenji', 'Amara', 'Lukas', 'Sofia', 'Tariq', 'Hana', 'Diego', 'Ingrid', 'Kwame', 'Mei', 'Rafael', 'Zara', 'Oskar', 'Leila', 'Dana', 'Felix', 'Ines', 'Yusuf', 'Clara'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Haddad', 'Novak', 'Castillo', 'Brennan', 'Achterberg', 'Sato', 'Mensah', 'Ferreira', 'Kowalski', 'Iyer', 'Duarte', 'Halvorsen', 'Nakamura', 'Osei', 'Varga', 'Quist'];
const COMPANY_A = ['Bright', 'North', 'Lumen', 'Cobalt', 'Harbor', 'Juniper', 'Quarry', 'Silver', 'Tidal', 'Vantage', 'Willow', 'Amber', 'Granite', 'Polar', 'Kestrel'];
const COMPANY_B = ['water', 'field', 'stone', 'wave', 'point', 'line', 'gate', 'crest', 'forge', 'path'];
const COMPANY_KIND = ['Analytics', 'Logistics', 'Health', 'Robotics', 'Freight', 'Energy', 'Software', 'Foods', 'Finance', 'Labs'] as const;
const INDUSTRY = { Analytics: 'Data & analytics', Logistics: 'Logistics', Health: 'Healthcare', Robotics: 'Industrial automation', Freight: 'Logistics', Energy: 'Energy', Software: 'B2B software', Foods: 'Food & beverage', Finance: 'Financial services', Labs: 'Life sciences' };
const TITLE = ['VP Sales', 'Head of Revenue Operations', 'Chief Operating Officer', 'Director of Marketing', 'Head of Growth', 'CTO', 'VP Engineering', 'Procurement Lead', 'Founder & CEO', 'Director of Partnerships'];
const COUNTRY = ['US', 'DE', 'GB', 'NL', 'SE', 'FR', 'JP', 'CA', 'ES', 'AU'];

// The simulator's seeded generator, so the file is the same on every machine.
const next = seededRandom(2026);
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// 40 accounts for 100 leads: several people per company, as in a real lead list (and what gives
// the agent's company lookups their cache hits).
const accounts: { company: string; kind: keyof typeof INDUSTRY; employees: number; country: string }[] = [];
while (accounts.length < 40) {
  const kind = pick(COMPANY_KIND);
  const company = `${pick(COMPANY_A)}${pick(COMPANY_B)} ${kind}`;
  if (accounts.some((account) => account.company === company)) continue;
  accounts.push({ company, kind, employees: pick([12, 40, 85, 150, 320, 640, 1200, 2500]), country: pick(COUNTRY) });
}

const leads: Record<string, unknown>[] = [];
for (let index = 1; index <= 100; index++) {
  const first = pick(FIRST);
  const last = pick(LAST);
  const { company, kind, employees, country } = pick(accounts);
  const domain = `${slug(company)}.example`;
  leads.push({
    index,
    id: `lead-${String(index).padStart(3, '0')}`,
    name: `${first} ${last}`,
    title: pick(TITLE),
    company,
    domain,
    industry: INDUSTRY[kind],
    country,
    employees,
    linkedin: `${slug(`${first}-${last}`)}-${(1000 + Math.floor(next() * 9000)).toString(16)}`,
  });
}

const file = path.join(import.meta.dirname, '..', 'resources', 'demo', 'leads.json');
writeFileSync(file, `${JSON.stringify({ note: 'Synthetic data for the AgentDock offline demo: every person and company is made up; domains use the reserved .example TLD.', leads }, null, 2)}\n`);
console.log(`wrote ${leads.length} leads to ${path.relative(process.cwd(), file)}`);
