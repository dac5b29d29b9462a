/**
 * The shell lines that wait for the AWS Backup restore job in `$job`: every
 * 30 s until it completes; a failed or aborted job, or a status that cannot
 * be read, stops the step (`return 1`) with the job's message.
 */
export function restoreJobWait(): string[] {
  return [
    "while :; do",
    `  status=$(aws backup describe-restore-job --restore-job-id "$job" --query Status --output text)`,
    '  case "$status" in',
    "    COMPLETED) break ;;",
    `    FAILED|ABORTED) echo "STOP: restore job $job ended $status ($(aws backup describe-restore-job --restore-job-id "$job" --query StatusMessage --output text))"; return 1 ;;`,
    "    CREATED|PENDING|RUNNING) sleep 30 ;;",
    `    *) echo "STOP: cannot read restore job $job (status: '$status')"; return 1 ;;`,
    "  esac",
    "done",
  ];
}
