/**
 * The seam between claims and runtimes. A check talks to a Flink process, a probe station or a
 * client through this handle, whether it is a Docker container (testcontainers' started
 * container has exactly these methods) or a Kubernetes pod (harness/kube/pod.ts).
 */
export interface ExecResult {
  exitCode: number;
  output: string;
  stdout: string;
  stderr: string;
}

export interface NodeHandle {
  exec(command: string[], opts?: { env?: Record<string, string> }): Promise<ExecResult>;
  copyContentToContainer(files: Array<{ content: string | Buffer; target: string; mode?: number }>): Promise<void>;
}
