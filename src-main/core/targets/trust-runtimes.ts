/**
 * Sandboxed runtimes by family, as engines and clusters name them: Docker's OCI runtimes
 * (`docker info` → Runtimes) and Kubernetes RuntimeClasses (their handler or name). Each target
 * maps seed 001's trust levels onto whichever of these it offers.
 */

/** Kata Containers (a VM per pod or container). */
export const KATA_RUNTIMES = ['kata', 'kata-runtime', 'io.containerd.kata.v2', 'kata-qemu', 'kata-clh', 'kata-fc'] as const;
/** gVisor (a user-space kernel). */
export const GVISOR_RUNTIMES = ['runsc', 'gvisor', 'io.containerd.runsc.v1'] as const;
/** Confidential-computing runtimes (memory encrypted by SEV-SNP or TDX hardware). */
export const CONFIDENTIAL_RUNTIMES = ['kata-cc', 'kata-qemu-snp', 'kata-qemu-tdx', 'kata-qemu-sev', 'kata-qemu-coco-dev'] as const;

/** The first candidate the engine or cluster offers. */
export function firstAvailable(candidates: readonly string[], available: readonly string[]): string | undefined {
  return candidates.find((name) => available.includes(name));
}
