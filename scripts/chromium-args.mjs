// How every browser this project drives (the HTML report's tests, its benchmark, the screenshot
// script) starts Debian's Chromium: headless, no sandbox (root in CI), and none of the background
// connections (updates, sync, field trials) a closed network refuses by the dozen.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
