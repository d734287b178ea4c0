// Files the image builder puts into the guest: a oneshot unit that, once the system is up, mounts
// the host's "control" 9p share, runs the job.sh the host wrote there (output to output.log, exit
// status to status) and powers the machine off. The host side is run.mjs.

export const GUEST_UNIT = `[Unit]
Description=Berth test host: run the job the host shared in, then power off
After=multi-user.target systemd-logind.service systemd-udev-settle.service
Wants=systemd-logind.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/berth-hosts-run
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
`;

export const GUEST_RUNNER = `#!/bin/bash
# Runs the host's job and powers off; the host reads output.log and status from the share.
set -u
mkdir -p /run/berth-hosts
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 control /run/berth-hosts; then
  echo "berth-hosts: no control share: nothing to run" >&2
  systemctl poweroff --no-block
  exit 0
fi
cat /proc/uptime > /run/berth-hosts/booted
bash /run/berth-hosts/job.sh > /run/berth-hosts/output.log 2>&1
echo $? > /run/berth-hosts/status.tmp
mv /run/berth-hosts/status.tmp /run/berth-hosts/status
sync
systemctl poweroff --no-block
`;
