// A fixed security context for spec tests: Docker's default profile on an amd64 host with seccomp,
// no AppArmor and no SELinux, so the expected spec does not depend on the machine running the tests.
import type { SecurityContext } from '../../../runtime/security/container-security.js';
import { DEFAULT_SECCOMP_PROFILE } from '../../../runtime/security/default-seccomp.js';
import type { HostSecurity } from '../../../runtime/security/host-security.js';

export const TEST_HOST: HostSecurity = { seccomp: true, apparmor: false, selinux: false, arch: 'amd64', kernel: '6.1.0-18-amd64' };

export const TEST_SECURITY: SecurityContext = { defaultSeccomp: DEFAULT_SECCOMP_PROFILE, host: TEST_HOST };
