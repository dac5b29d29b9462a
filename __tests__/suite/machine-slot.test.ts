/**
 * The machine slot that lets two test runs on one machine take turns with
 * their RabbitMQ clusters: one holder at a time, free again when the holder
 * releases it or its process dies (SIGKILL included).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireMachineSlot } from "../support/machine-slot";

const ROOT = join(__dirname, "..", "..");
let directory: string;
beforeEach(() => (directory = mkdtempSync(join(tmpdir(), "ce-slot-"))));
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe("a machine slot", () => {
  it("has one holder at a time, and is free once released", async () => {
    const first = await acquireMachineSlot("cluster", 5, directory);
    await expect(acquireMachineSlot("cluster", 1, directory)).rejects.toThrow(/machine slot cluster .* was not free within 1 s/);
    const other = await acquireMachineSlot("another", 1, directory);
    await Promise.all([first.release(), other.release()]);
    await (await acquireMachineSlot("cluster", 1, directory)).release();
  });

  it("is free again when the process holding it is killed with SIGKILL", async () => {
    // node itself (not the tsx wrapper, whose child would outlive a SIGKILL of the wrapper) holds the slot.
    const holder = spawn(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "hold-slot.ts"), directory, "cluster"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve());
      holder.on("exit", (code) => reject(new Error(`the holder exited (${code}) before holding the slot`)));
    });
    await expect(acquireMachineSlot("cluster", 1, directory)).rejects.toThrow(/not free/);
    const exited = new Promise((resolve) => holder.on("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
    await (await acquireMachineSlot("cluster", 10, directory)).release();
  }, 30_000);
});
