/** Registers cdktf's Jest matchers (toHaveResource, toHaveResourceWithProperties, ...). */
import { Testing } from "cdktf";

Testing.setupJest();

/*
 * cdktf records a full stack trace for every token it creates (about 300 per
 * stack), for its own debug messages. Under Jest's deep call stacks that is
 * half of each synthesis; the tests never read those traces, so they skip it.
 */
jest.mock("cdktf/lib/tokens/private/stack-trace", () => ({ captureStackTrace: () => [] }));
