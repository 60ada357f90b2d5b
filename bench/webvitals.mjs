// Lighthouse user flow over the panel, driven by bench/webvitals.py.
//
// Signs in as a local admin (the standalone panel's login, in the browser Lighthouse
// measures, so the session cookie is the page's own), then for each page: a
// navigation (LCP, CLS, TBT as a cold load) and a timespan in which the merchant
// works the page (INP and the CLS of those interactions). Prints one JSON object.
//
// Input (JSON on argv[2]): {base, email, password, pages: [{name, path, interact}],
// ceiling: url, chrome, desktop}.

import lighthouse from "lighthouse";
import { startFlow } from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer from "puppeteer-core";
import { readFileSync } from "node:fs";

const input = JSON.parse(process.argv[2]);
const config = input.desktop ? desktopConfig : undefined;
const flags = { disableStorageReset: true, logLevel: "error" };

const browser = await puppeteer.launch({
  executablePath: input.chrome,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

function figure(lhr, audit) {
  const found = lhr.audits[audit];
  return found && typeof found.numericValue === "number" ? found.numericValue : null;
}

function vitals(lhr) {
  return {
    lcp_ms: figure(lhr, "largest-contentful-paint"),
    cls: figure(lhr, "cumulative-layout-shift"),
    tbt_ms: figure(lhr, "total-blocking-time"),
    inp_ms: figure(lhr, "interaction-to-next-paint"),
    fcp_ms: figure(lhr, "first-contentful-paint"),
  };
}

// What a merchant does on each page, as keys and clicks the browser really dispatches.
const interactions = {
  async inbox(page) {
    await page.click("#q");
    await page.keyboard.type("customer77", { delay: 50 });
    // Choosing a filter submits the form (panel.js): the inbox comes back filtered.
    await Promise.all([page.waitForNavigation(), page.select("#status", "open")]);
    await Promise.all([page.waitForNavigation(), page.click("ul.counts a")]);
    await page.click("#q");
    await page.keyboard.type("#10", { delay: 50 });
  },
  async incident(page) {
    const note = await page.$("textarea");
    if (note) {
      await note.click();
      await page.keyboard.type("Called the carrier.", { delay: 50 });
    }
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
  },
};

const installed = new URL("./node_modules/lighthouse/package.json", import.meta.url);
const out = { lighthouse: JSON.parse(readFileSync(installed)).version, steps: [] };
try {
  out.chrome = await browser.version();
  // The ceiling: a static page of the same machine, browser and settings, in its own tab.
  const blank = await browser.newPage();
  const bare = await lighthouse(input.ceiling, flags, config, blank);
  out.ceiling = vitals(bare.lhr);
  await blank.close();

  const page = await browser.newPage();
  await page.bringToFront();

  await page.goto(`${input.base}/admin/login`, { waitUntil: "load" });
  await page.type("#email", input.email);
  await page.type("#password", input.password);
  await Promise.all([page.waitForNavigation(), page.$eval("form.login", (f) => f.requestSubmit())]);
  if (page.url().includes("/admin/shops")) {
    const choose = 'form[action$="/admin/shops"]';
    await Promise.all([page.waitForNavigation(), page.$eval(choose, (f) => f.requestSubmit())]);
  }
  if (!new URL(page.url()).pathname.endsWith("/admin")) {
    throw new Error(`signing in ended on ${page.url()}, not the inbox`);
  }

  const flow = await startFlow(page, { config, flags, name: "Amends panel" });
  for (const wanted of input.pages) {
    await flow.navigate(`${input.base}${wanted.path}`, { name: `${wanted.name}: load` });
    await flow.startTimespan({ name: `${wanted.name}: work` });
    await interactions[wanted.interact](page);
    await new Promise((done) => setTimeout(done, 500));
    await flow.endTimespan();
  }
  const result = await flow.createFlowResult();
  for (const step of result.steps) {
    out.steps.push({ name: step.name, mode: step.lhr.gatherMode, url: step.lhr.finalDisplayedUrl,
      ...vitals(step.lhr), errors: step.lhr.runtimeError ? step.lhr.runtimeError.message : null });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + "\n");
