/** The Jest suites that start servers or containers (the task runner's, with real RabbitMQ inside, and the RabbitMQ membership script's). */
export const SERVER_SUITES = ["__tests__/runner/", "__tests__/ha/rabbitmq-membership.test.ts"] as const;
