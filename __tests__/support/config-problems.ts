/** What the environment schema says about bad input, for tests of its errors. */
import { ConfigError, parseEnvironment } from "../../modules/config";

/** The problems of an input (field path and message); fails the test when the input is accepted. */
export function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseEnvironment(input, "environments/test.ts");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(({ path, message }) => ({ path, message }));
  }
  throw new Error("the environment was accepted");
}
