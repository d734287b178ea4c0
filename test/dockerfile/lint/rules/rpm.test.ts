import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catches, fixed, fixesCleanly, leaves } from '../helpers';

test('DL3030 yum -y', () => {
  catches('DL3030', 'FROM centos:7\nRUN yum install httpd-2.4\n');
  catches('DL3030', 'FROM centos:7\nRUN yum groupinstall "Dev Tools"\n');
  assert.equal(fixed('DL3030', 'FROM centos:7\nRUN yum install httpd-2.4\n'), 'FROM centos:7\nRUN yum install -y httpd-2.4\n');
  leaves('DL3030', 'FROM centos:7\nRUN yum install -y httpd-2.4\n');
  leaves('DL3030', 'FROM centos:7\nRUN yum --assumeyes install httpd-2.4\n');
  leaves('DL3030', 'FROM centos:7\nRUN yum update\n');
});

test('DL3032 yum clean all', () => {
  catches('DL3032', 'FROM centos:7\nRUN yum install -y httpd-2.4\n');
  catches('DL3032', 'FROM centos:7\nRUN yum clean all && yum install -y httpd-2.4\n');
  assert.equal(fixesCleanly('DL3032', 'FROM centos:7\nRUN yum install -y httpd-2.4\n'), 'FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n');
  leaves('DL3032', 'FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n');
  leaves('DL3032', 'FROM centos:7\nRUN yum install -y httpd-2.4 && rm -rf /var/cache/yum/*\n');
});

test('DL3033 yum versions', () => {
  catches('DL3033', 'FROM centos:7\nRUN yum install -y httpd\n');
  catches('DL3033', 'FROM centos:7\nRUN yum install -y foo-bar\n');
  catches('DL3033', 'FROM centos:7\nRUN yum module install -y nodejs\n');
  leaves('DL3033', 'FROM centos:7\nRUN yum install -y httpd-2.4.6 ./local.rpm\n');
  leaves('DL3033', 'FROM centos:7\nRUN yum module install -y nodejs:18\n');
  leaves('DL3033', 'FROM centos:7\nARG V=1\nRUN yum install -y httpd-${V}\n');
});

test('DL3034 zypper non-interactive, DL3035 dist-upgrade, DL3036 clean, DL3037 versions', () => {
  catches('DL3034', 'FROM opensuse/leap\nRUN zypper install httpd=2\n');
  assert.equal(fixed('DL3034', 'FROM opensuse/leap\nRUN zypper in httpd=2\n'), 'FROM opensuse/leap\nRUN zypper in -y httpd=2\n');
  leaves('DL3034', 'FROM opensuse/leap\nRUN zypper -n install httpd=2\n');
  leaves('DL3034', 'FROM opensuse/leap\nRUN zypper install --no-confirm httpd=2\n');
  catches('DL3035', 'FROM opensuse/leap\nRUN zypper dup\n');
  leaves('DL3035', 'FROM opensuse/leap\nRUN zypper up -y\n');
  catches('DL3036', 'FROM opensuse/leap\nRUN zypper install -y httpd=2\n');
  fixesCleanly('DL3036', 'FROM opensuse/leap\nRUN zypper install -y httpd=2\n');
  leaves('DL3036', 'FROM opensuse/leap\nRUN zypper install -y httpd=2 && zypper cc\n');
  catches('DL3037', 'FROM opensuse/leap\nRUN zypper install -y httpd\n');
  leaves('DL3037', 'FROM opensuse/leap\nRUN zypper install -y "httpd>=2" a.rpm\n');
});

test('DL3038 dnf -y, DL3040 dnf clean all, DL3041 versions (microdnf too)', () => {
  catches('DL3038', 'FROM fedora:40\nRUN dnf install httpd-2.4\n');
  catches('DL3038', 'FROM fedora:40\nRUN microdnf install httpd-2.4\n');
  leaves('DL3038', 'FROM fedora:40\nRUN dnf install -y httpd-2.4\n');
  catches('DL3040', 'FROM fedora:40\nRUN dnf install -y httpd-2.4\n');
  assert.equal(fixed('DL3040', 'FROM fedora:40\nRUN microdnf install -y httpd-2.4\n'), 'FROM fedora:40\nRUN microdnf install -y httpd-2.4 && microdnf clean all\n');
  leaves('DL3040', 'FROM fedora:40\nRUN dnf install -y httpd-2.4 && dnf clean all\n');
  leaves('DL3040', 'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y httpd-2.4\n');
  catches('DL3041', 'FROM fedora:40\nRUN dnf install -y httpd\n');
  leaves('DL3041', 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n');
  leaves('DL3041', 'FROM fedora:40\nRUN dnf group install -y "Development Tools"\n');
});
