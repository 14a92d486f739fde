import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createPanelClient } from "@customer-panel/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations, startWebWorld, type WebWorld } from "./browser.js";

let world: WebWorld;
beforeAll(async () => {
  world = await startWebWorld();
});
afterAll(async () => world?.close());

const open = async (page: Page, customer: string, channel: string) => {
  await page.getByRole("button", { name: new RegExp(`^${customer} ${channel}`) }).click();
  await expect
    .poll(() => page.locator(".conversations [aria-current=true]").textContent())
    .toMatch(new RegExp(`^${customer} ${channel}`));
  await expect.poll(() => page.locator("section.panel").count()).toBe(1);
};
const panel = (page: Page) => page.locator("section.panel");
const integration = () =>
  createPanelClient({ url: world.server.url, apiKey: world.server.world.sunny.integrationKey });

describe("issue 18: the panel in Chromium, clicked through as members", () => {
  it("P1 X3 the admin sees every section with the source's labels, and an English switch", async () => {
    const { page, context } = await world.pageAs("陳怡君 — admin (web)");
    await open(page, "王小明", "webchat");
    for (const label of [
      "添加標籤",
      "標籤頻次",
      "事件狀態紀錄",
      "已綁定渠道",
      "購物車及最近90天訂單",
      "對話狀態",
      "最後傳送訊息頁面",
      "導出對話",
      "刪除對話",
    ]) {
      await expect.poll(() => panel(page).getByRole("heading", { name: label }).count()).toBe(1);
    }
    await expect.poll(() => panel(page).getByText("保暖羊毛襪 三入").count()).toBe(1);
    await page.getByLabel(/語言/).selectOption("en");
    await expect.poll(() => page.getByRole("heading", { name: "Event log" }).count()).toBe(1);
    await page.getByLabel(/Language/).selectOption("zh-TW");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("P2 field errors show at the field; a valid edit is saved; P3 the WhatsApp phone is read-only with its reason", async () => {
    const { page, context } = await world.pageAs("張雅婷 — cs_agent");
    await open(page, "李志明", "line");
    await panel(page).getByRole("button", { name: /✎/ }).click();
    await page.getByLabel("電子郵件").fill("not-an-email");
    await page.getByRole("button", { name: "儲存" }).click();
    const error = page.locator("#profile-email-error");
    await expect.poll(() => error.count()).toBe(1);
    expect(await page.getByLabel("電子郵件").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("電子郵件").fill("lee@example.com");
    await page.getByLabel("備註").fill("喜歡週末到店");
    await page.getByRole("button", { name: "儲存" }).click();
    await expect
      .poll(() => panel(page).locator('[data-field="email"]').textContent())
      .toBe("lee@example.com");

    await open(page, "林美麗", "whatsapp");
    await panel(page).getByRole("button", { name: /✎/ }).click();
    expect(await page.getByLabel("電話").getAttribute("readonly")).not.toBeNull();
    expect(await page.locator("#profile-phone-locked").textContent()).toMatch(/WhatsApp/i);
    await context.close();
  });

  it("T2–T5 the tag flow from the keyboard alone: suggestions, Enter, the repeat dialog, X", async () => {
    const { page, context } = await world.pageAs("張雅婷 — cs_agent");
    await open(page, "王小明", "webchat");
    const input = panel(page).getByRole("combobox", { name: "添加標籤" });
    const vip = panel(page).locator(".tags li", { hasText: "VIP" });
    const before = Number((await vip.locator("span").textContent())?.replace("×", ""));
    await input.focus();
    await page.keyboard.type("VI");
    await expect.poll(() => page.getByRole("option", { name: /VIP/ }).count()).toBe(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "要再次貼上此標籤嗎？" });
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.textContent()).toContain(`VIP ×${before}`);
    // The confirm button holds the focus: Enter confirms.
    await page.keyboard.press("Enter");
    await expect.poll(() => vip.locator("span").textContent()).toBe(`×${before + 1}`);

    await input.focus();
    await page.keyboard.type("週末來店");
    await page.keyboard.press("Enter");
    const added = panel(page).locator(".tags li", { hasText: "週末來店" });
    await expect.poll(() => added.locator("span").textContent()).toBe("×1");
    await added.getByRole("button", { name: /移除標籤/ }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => added.count()).toBe(0);

    // T6: the frequency table, then filtered to a range that holds nothing.
    const frequency = panel(page).getByRole("region", { name: "標籤頻次" });
    await expect.poll(() => frequency.getByRole("row", { name: /VIP/ }).count()).toBe(1);
    await frequency.getByLabel("開始日期").fill("2020-01-01");
    await frequency.getByLabel("結束日期").fill("2020-01-31");
    await frequency.getByRole("button", { name: "篩選" }).click();
    await expect.poll(() => frequency.getByRole("row").count()).toBe(0);
    await context.close();
  });

  it("L1 go to conversation switches conversation; L5 the status switch logs blocking; E2 assign", async () => {
    const { page, context } = await world.pageAs("林志豪 — supervisor");
    await open(page, "王小明", "webchat");
    await panel(page)
      .getByRole("button", { name: /前往對話 \(line\)/ })
      .click();
    await expect
      .poll(() => page.locator('.conversations [aria-current="true"]').textContent())
      .toMatch(/王小明 line/);
    await expect.poll(() => panel(page).getByText("OMO-TW-000123").count()).toBe(1);

    const events = panel(page).getByRole("region", { name: "事件狀態紀錄" });
    // The switch shows the server's answer: it turns off once the block is stored.
    const status = panel(page).getByRole("switch", { name: "狀態功能：有效" });
    await status.click();
    await expect.poll(() => events.locator('[data-event="blocked"]').count()).toBe(1);
    // The log speaks the member's language, not the wire's event types.
    await expect
      .poll(() => events.locator('[data-event="blocked"]').textContent())
      .toMatch(/封鎖客戶/);
    await expect.poll(() => status.isChecked()).toBe(false);
    await status.click();
    await expect.poll(() => events.locator('[data-event="unblocked"]').count()).toBe(1);
    await expect.poll(() => status.isChecked()).toBe(true);

    await panel(page).getByLabel("指派").selectOption({ label: "張雅婷 (cs_agent)" });
    await expect
      .poll(() => events.locator('[data-event="assigned"]').first().textContent())
      .toMatch(/指派負責人 → 張雅婷/);
    await panel(page).getByRole("button", { name: "結束事件" }).click();
    await expect.poll(() => panel(page).getByTestId("state").textContent()).toBe("已結束");
    await expect
      .poll(() => events.locator('[data-event="state_changed"]').first().textContent())
      .toMatch(/事件狀態變更 → 已結束/);
    await context.close();
  });

  it("L6 the last page turns to 用戶已離線 live, without a reload", async () => {
    const { page, context } = await world.pageAs("陳怡君 — admin (web)");
    await open(page, "王小明", "webchat");
    const lastPage = panel(page).getByTestId("last-page");
    const visitorId = world.server.world.sunny.conversations.wangWebchat.externalUserId;
    await integration().ingest.pageVisit.mutate({
      visitorId,
      pageUrl: "https://shop.example/jackets",
      pageTitle: "羽絨外套",
    });
    await expect.poll(() => lastPage.textContent()).toBe("羽絨外套");
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await integration().ingest.pageClosed.mutate({ visitorId });
    await expect.poll(() => lastPage.textContent()).toBe("用戶已離線");
    expect(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
    await context.close();
  });

  it("L7 export as a real CSV download and by email; the last export time updates", async () => {
    const { page, context } = await world.pageAs("陳怡君 — admin (web)");
    await open(page, "黃小玲", "webchat");
    const last = panel(page).getByTestId("last-exported");
    expect(await last.textContent()).toBe("—");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      panel(page).getByRole("button", { name: "下載 CSV" }).click(),
    ]);
    const saved = join(world.downloads, download.suggestedFilename());
    await download.saveAs(saved);
    const csv = await readFile(saved, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split("\n")[0]).toMatch(/time/);
    expect(csv).toContain(",customer,");
    await expect.poll(() => last.textContent()).not.toBe("—");

    await panel(page).getByLabel("電子郵件").fill("boss@example.com");
    await panel(page).getByRole("button", { name: "寄送 Email" }).click();
    await expect.poll(() => panel(page).getByRole("status").textContent()).toBe("已排入寄送");
    await context.close();
  });

  it("L8 a role that may not export never sees the button, nor the app client; O2 the refusal is explained", async () => {
    for (const who of ["張雅婷 — cs_agent", "陳怡君 — admin (app)"]) {
      const { page, context } = await world.pageAs(who);
      await open(page, "王小明", "line");
      await expect
        .poll(() => panel(page).getByRole("heading", { name: "事件狀態紀錄" }).count())
        .toBe(1);
      expect(await page.getByRole("button", { name: "下載 CSV" }).count()).toBe(0);
      expect(await page.getByRole("heading", { name: "導出對話" }).count()).toBe(0);
      if (who.includes("cs_agent")) {
        expect(await page.getByRole("button", { name: "刪除對話" }).count()).toBe(0);
        const omo = panel(page).getByRole("region", { name: "OMO綁定資訊" });
        expect(await omo.getByRole("button", { name: "解除綁定" }).count()).toBe(0);
        expect(await omo.locator('[data-capability="unbindOmo"]').textContent()).not.toBe("");
      }
      await context.close();
    }
  });

  it("P5 hiding the panel is remembered for the member, not for others", async () => {
    const { page, context } = await world.pageAs("吳佩珊 — sales");
    await open(page, "陳大文", "instagram");
    await page.getByRole("button", { name: /隱藏客戶資料/ }).click();
    await expect.poll(() => page.getByRole("button", { name: /顯示客戶資料/ }).count()).toBe(1);
    await page.reload();
    await open(page, "陳大文", "instagram");
    await expect.poll(() => page.getByRole("button", { name: /顯示客戶資料/ }).count()).toBe(1);
    expect(await panel(page).getByRole("heading", { name: "添加標籤" }).count()).toBe(0);
    const other = await world.pageAs("李建宏 — sales_manager");
    await open(other.page, "陳大文", "instagram");
    await expect
      .poll(() => panel(other.page).getByRole("heading", { name: "添加標籤" }).count())
      .toBe(1);
    await page.getByRole("button", { name: /顯示客戶資料/ }).click();
    await expect.poll(() => panel(page).getByRole("heading", { name: "添加標籤" }).count()).toBe(1);
    await other.context.close();
    await context.close();
  });

  it("O2 OMO unbind and L9 delete with a confirmation, as the admin", async () => {
    const { page, context } = await world.pageAs("陳怡君 — admin (web)");
    await open(page, "林美麗", "whatsapp");
    const omo = panel(page).getByRole("region", { name: "OMO綁定資訊" });
    await omo.getByRole("button", { name: "解除綁定" }).click();
    await expect.poll(() => omo.getByText("無").count()).toBe(1);

    await open(page, "劉志強", "facebook");
    await panel(page).getByRole("button", { name: "刪除對話" }).click();
    const confirm = page.getByRole("alertdialog");
    expect(await confirm.textContent()).toContain("無法復原");
    await confirm.getByRole("button", { name: "確定" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^劉志強 facebook/ }).count()).toBe(0);
    await context.close();
  });

  it("R1 R4 the tag report page refuses more than 30 days and downloads both CSVs", async () => {
    const { page, context } = await world.pageAs("陳怡君 — admin (web)");
    await page.getByRole("button", { name: "標籤管理" }).click();
    const reports = page.getByRole("region", { name: "標籤管理" });
    await reports.getByLabel("開始日期").fill("2026-01-01");
    await reports.getByLabel("結束日期").fill("2026-03-01");
    await reports.getByRole("button", { name: "貼標統計數據" }).click();
    await expect
      .poll(() => reports.getByRole("alert").textContent())
      .toMatch(/REPORT_RANGE_TOO_LONG/);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    await reports.getByLabel("開始日期").fill(monthAgo);
    await reports.getByLabel("結束日期").fill(today);
    for (const [button, header] of [
      ["貼標統計數據", "tag,applications,customers"],
      ["貼標逐筆紀錄", "time"],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        reports.getByRole("button", { name: button }).click(),
      ]);
      const saved = join(world.downloads, download.suggestedFilename());
      await download.saveAs(saved);
      expect((await readFile(saved, "utf8")).replace(/^\uFEFF/, "")).toMatch(
        new RegExp(`^${header}`),
      );
    }
    await context.close();
  });
});
