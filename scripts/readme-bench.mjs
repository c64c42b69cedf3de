// Copies bench/results/latest.md into README.md between the bench markers (run after `npm run bench`).
import { readFileSync, writeFileSync } from 'node:fs';

const table = readFileSync('bench/results/latest.md', 'utf8').trim();
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error('README.md has no bench markers');
writeFileSync('README.md', `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
console.log('README.md: performance table updated');
