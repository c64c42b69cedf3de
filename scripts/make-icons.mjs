// Developer tool: renders renderer/public/favicon.svg into the packaging icons electron-builder
// takes from resources/build: icon.png (1024 px, Linux), icon.icns (macOS) and icon.ico (Windows).
// Chromium rasterises the SVG (the one the e2e tests use); .icns and .ico simply wrap PNGs, which
// macOS 10.7+ and Windows Vista+ read.   node scripts/make-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync('renderer/public/favicon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
const png = {};
try {
  for (const size of [1024, 512, 256]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    png[size] = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
  }
} finally {
  await browser.close();
}

/** ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG data) per image. */
function icns(images) {
  const chunks = images.map(([type, data]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** ICO with one 256 px PNG entry (width/height 0 mean 256). */
function ico(data) {
  const head = Buffer.alloc(6 + 16);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // icon
  head.writeUInt16LE(1, 4); // one image
  head.writeUInt8(0, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(1, 10); // colour planes
  head.writeUInt16LE(32, 12); // bits per pixel
  head.writeUInt32LE(data.length, 14);
  head.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([head, data]);
}

mkdirSync('resources/build', { recursive: true });
writeFileSync('resources/build/icon.png', png[1024]);
writeFileSync(
  'resources/build/icon.icns',
  icns([
    ['ic10', png[1024]],
    ['ic09', png[512]],
    ['ic08', png[256]],
  ]),
);
writeFileSync('resources/build/icon.ico', ico(png[256]));
console.log('wrote resources/build/icon.png, icon.icns, icon.ico');
