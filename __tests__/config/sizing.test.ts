import { describeFargateMemory, fargateMemoryOptions, isFargateTaskSize, SIZE_PRESETS } from "../../modules/config/sizing";

describe("size presets", () => {
  it("map to the official template's CPU and memory", () => {
    expect(SIZE_PRESETS["extra-small"]).toMatchObject({ cpu: 4096, memory: 8192 });
    expect(SIZE_PRESETS.small).toMatchObject({ cpu: 8192, memory: 16384 });
    expect(SIZE_PRESETS.medium).toMatchObject({ cpu: 8192, memory: 16384 });
    expect(SIZE_PRESETS.large).toMatchObject({ cpu: 16384, memory: 32768 });
  });

  it("say which are CE 5.0 only and which are CE 6's profiles", () => {
    expect(SIZE_PRESETS["extra-small"].note).toMatch(/CE 5.0 only/);
    expect(SIZE_PRESETS.small.note).toMatch(/CE 5.0 only/);
    expect(SIZE_PRESETS.medium.note).toMatch(/Medium profile/);
    expect(SIZE_PRESETS.large.note).toMatch(/Large profile/);
  });

  it("say that Fargate cannot give the VM-recommended small size", () => {
    expect(SIZE_PRESETS.small.note).toMatch(/Fargate/);
  });

  it("are all valid Fargate task sizes", () => {
    for (const preset of Object.values(SIZE_PRESETS)) expect(isFargateTaskSize(preset.cpu, preset.memory)).toBe(true);
  });
});

describe("Fargate task sizes", () => {
  it.each([
    [256, 512, true],
    [256, 3072, false],
    [1024, 8192, true],
    [4096, 30720, true],
    [4096, 31744, false],
    [8192, 20480, true],
    [8192, 18432, false],
    [16384, 122880, true],
    [16384, 36864, false],
    [3000, 8192, false],
  ])("cpu %i with memory %i is %s", (cpu, memory, valid) => {
    expect(isFargateTaskSize(cpu, memory)).toBe(valid);
  });

  it("lists 8 GiB steps for 16 vCPU", () => {
    expect(fargateMemoryOptions(16384)).toEqual([32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880]);
  });

  it("describes what is allowed", () => {
    expect(describeFargateMemory(8192)).toBe("with cpu 8192, memory must be 16384-61440 MiB in steps of 4096");
    expect(describeFargateMemory(3000)).toMatch(/^cpu must be one of 256, 512, 1024/);
  });
});
