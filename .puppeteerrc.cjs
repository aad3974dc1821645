// Chromium comes from Debian (apt). Never let puppeteer download a browser.
module.exports = { skipDownload: true };
