/**
 * Rule family: interfaces.
 * - mac-invalid: "unable to parse mac address".
 * - mac-multicast: "expected unicast mac address, found multicast".
 * - nic-option-unsupported: a setting the interface's type does not take (checked against libvirt
 *   9.0 here): <virtualport> outside network, bridge, direct and hostdev, a udp <source> without
 *   <local> (conf/domain_conf.c parser); <port isolated='yes'/> outside network and bridge or with
 *   a typed <virtualport>, <target managed='no'/> outside ethernet, a <teaming persistent> that
 *   does not fit its type, a vhost-user server socket with <reconnect> (conf/domain_validate.c
 *   virDomainNetDefValidate); <mtu> outside network, bridge, ethernet, vhost-user and passt,
 *   <coalesce> outside network and bridge, a persistent teaming NIC that is not virtio, a
 *   transient one that is not hostdev or network (qemu/qemu_validate.c
 *   qemuValidateDomainDeviceDefNetwork).
 * - nic-guest-ip-unsupported: guest-side <ip> and <route> the QEMU driver refuses: only a user
 *   (slirp) NIC takes them, one IPv4 address with a prefix of 4 to 27 and one IPv6 address with a
 *   prefix of 64, no peer and no route (qemuValidateDomainDeviceDefNetwork).
 */
import type { Interface } from '../model/types';
import { attr, attrValue, child, childrenNamed, type XmlElement } from '../syntax/tree';
import { eachDeviceFindings, type Finding, type RuleFamily } from './types';

const VIRTUALPORT_TYPES = new Set(['network', 'bridge', 'direct', 'hostdev']);
const MTU_TYPES = new Set(['network', 'bridge', 'ethernet', 'vhostuser']);
const COALESCE_TYPES = new Set(['network', 'bridge']);
const VIRTIO_MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

function unsupported(el: XmlElement, message: string, span = el.nameSpan): Finding {
  return { code: 'nic-option-unsupported', message, span };
}

/** The first setting this interface's type does not take, in the order libvirt checks them. */
function optionProblem(i: Interface): Finding | undefined {
  const el = i.el;
  const type = i.type;
  if (type === undefined) {
    return undefined;
  }
  const source = child(el, 'source');
  if (type === 'udp' && source && !child(source, 'local')) {
    return unsupported(source, "A udp interface's <source> needs a <local address port> child for its own end of the tunnel.");
  }
  const vport = child(el, 'virtualport');
  if (vport && !VIRTUALPORT_TYPES.has(type)) {
    return unsupported(vport, `<virtualport> belongs to network, bridge, direct and hostdev interfaces, not type='${type}'.`);
  }
  const model = i.model?.value;
  const virtio = model !== undefined && VIRTIO_MODELS.has(model);
  const teaming = child(el, 'teaming');
  const teamingType = teaming && attrValue(teaming, 'type');
  const mtu = child(el, 'mtu');
  const backend = child(el, 'backend');
  const passt = type === 'user' && backend !== undefined && attrValue(backend, 'type') === 'passt';
  // libvirt's generic validation first (virDomainNetDefValidate)
  const target = child(el, 'target');
  if (target && attrValue(target, 'managed') === 'no' && type !== 'ethernet') {
    const managed = attr(target, 'managed')!;
    return unsupported(
      target,
      `An unmanaged tap device (managed='no') is for type='ethernet' only, not '${type}'.`,
      managed.valueSpan ?? managed.span
    );
  }
  if (teaming && teamingType !== undefined) {
    const persistent = attr(teaming, 'persistent');
    if (teamingType === 'transient' && !persistent) {
      return unsupported(teaming, "A transient teaming interface must name its persistent partner: add persistent='ALIAS'.");
    }
    if (teamingType !== 'transient' && persistent) {
      return unsupported(
        teaming,
        `persistent= names the partner of a transient teaming interface; a '${teamingType}' one takes none.`,
        persistent.nameSpan
      );
    }
  }
  const port = child(el, 'port');
  if (port && attrValue(port, 'isolated') === 'yes') {
    if (type !== 'network' && type !== 'bridge') {
      return unsupported(port, `<port isolated='yes'/> works on Linux bridges only (network and bridge interfaces), not type='${type}'.`);
    }
    const vportType = vport && attrValue(vport, 'type');
    if (vportType) {
      return unsupported(port, `<port isolated='yes'/> cannot be combined with <virtualport type='${vportType}'>.`);
    }
  }
  if (type === 'vhostuser' && source && attrValue(source, 'mode') === 'server') {
    const reconnect = child(source, 'reconnect');
    if (reconnect && attrValue(reconnect, 'enabled') === 'yes') {
      return unsupported(reconnect, "<reconnect> is for a vhost-user socket in client mode; in mode='server' QEMU waits for the peer.");
    }
  }
  // then the QEMU driver's (qemuValidateDomainDeviceDefNetwork)
  if (mtu && !(MTU_TYPES.has(type) || passt)) {
    return unsupported(mtu, `The QEMU driver cannot set the MTU of a type='${type}' interface.`);
  }
  if (teaming && teamingType === 'persistent' && !virtio) {
    return unsupported(teaming, `A persistent teaming interface must be virtio, not '${model ?? 'the default model'}'.`);
  }
  if (teaming && teamingType === 'transient' && type !== 'hostdev' && type !== 'network') {
    return unsupported(teaming, `A transient teaming interface must be type='hostdev' (or a network of them), not '${type}'.`);
  }
  const coalesce = child(el, 'coalesce');
  if (coalesce && !COALESCE_TYPES.has(type)) {
    return unsupported(coalesce, `The QEMU driver sets <coalesce> only on network and bridge interfaces, not type='${type}'.`);
  }
  return undefined;
}

function guestIpProblems(i: Interface, findings: Finding[]): void {
  const el = i.el;
  const ips = childrenNamed(el, 'ip');
  const routes = childrenNamed(el, 'route');
  if (ips.length === 0 && routes.length === 0) {
    return;
  }
  const say = (at: XmlElement, message: string, span = at.nameSpan): void => {
    findings.push({ code: 'nic-guest-ip-unsupported', message, span });
  };
  if (i.type !== 'user') {
    if (i.type !== undefined && i.type !== 'vdpa') {
      say(
        ips[0] ?? routes[0]!,
        `The QEMU driver cannot set the guest's IP address or routes on a type='${i.type}' interface; only type='user' takes them.`
      );
    }
    return;
  }
  if (routes.length) {
    say(routes[0]!, 'A user (slirp) interface takes no guest <route>: QEMU cannot set one.');
    return;
  }
  const seen = new Set<string>();
  for (const ip of ips) {
    const peer = attr(ip, 'peer');
    if (peer) {
      say(ip, 'A peer address is a host-side setting: QEMU cannot give the guest one.', peer.nameSpan);
      return;
    }
    const address = attrValue(ip, 'address') ?? '';
    const v6 = address.includes(':');
    const family = v6 ? 'IPv6' : 'IPv4';
    if (seen.has(family)) {
      say(ip, `A user interface takes one ${family} address; this is a second one.`);
      return;
    }
    seen.add(family);
    const prefixAttr = attr(ip, 'prefix');
    const prefix = prefixAttr?.value !== undefined && /^\d+$/.test(prefixAttr.value.trim()) ? Number(prefixAttr.value.trim()) : 0;
    const span = prefixAttr?.valueSpan ?? ip.nameSpan;
    if (!v6 && prefix > 0 && (prefix < 4 || prefix > 27)) {
      say(ip, `prefix='${prefix}': QEMU's user network takes an IPv4 prefix from 4 to 27.`, span);
      return;
    }
    if (v6 && prefix > 0 && prefix !== 64) {
      say(ip, `prefix='${prefix}': QEMU's user network takes only an IPv6 prefix of 64.`, span);
      return;
    }
  }
}

/**
 * libvirt's reading of a MAC (virMacAddrParse): six ':'-separated groups of one or two hex
 * digits. It stops reading at the first space or control character after the sixth group, so
 * '52:54:00:12:34:56 ' is accepted (checked against libvirt 9.0); nothing may come before.
 */
function parseMac(s: string): number[] | undefined {
  const stop = [...s].findIndex((ch) => ch.charCodeAt(0) <= 0x20);
  const parts = (stop >= 0 ? s.slice(0, stop) : s).split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    return undefined;
  }
  return parts.map((p) => parseInt(p, 16));
}

export const interfaceRules: RuleFamily = {
  id: 'interfaces',
  check(model, ctx) {
    // Each NIC is judged on its own: kept per device.
    return eachDeviceFindings(
      ctx.memo,
      interfaceRules.id,
      model.interfaces,
      (i) => i.el,
      (i) => {
        const findings: Finding[] = [];
        const option = optionProblem(i);
        if (option) {
          findings.push(option);
        }
        guestIpProblems(i, findings);
        findings.push(...checkMac(i));
        return findings;
      }
    );
  },
};

function checkMac(i: Interface): Finding[] {
  const mac = i.mac;
  if (!mac || mac.value === undefined) {
    return [];
  }
  const span = mac.valueSpan ?? mac.span;
  const octets = parseMac(mac.value);
  if (!octets) {
    return [
      {
        code: 'mac-invalid',
        message: `'${mac.value}' is not a MAC address: write six hexadecimal octets separated by colons, such as 52:54:00:12:34:56.`,
        span,
      },
    ];
  }
  if ((octets[0]! & 1) === 1) {
    const fixed = [octets[0]! & 0xfe, ...octets.slice(1)].map((o) => o.toString(16).padStart(2, '0')).join(':');
    return [
      {
        code: 'mac-multicast',
        message: `${mac.value} is a multicast address (its first octet is odd); a guest NIC needs a unicast address.`,
        span,
        fixes: [{ title: `Use ${fixed}`, edits: [{ span, newText: `'${fixed}'` }], preferred: true }],
      },
    ];
  }
  return [];
}
