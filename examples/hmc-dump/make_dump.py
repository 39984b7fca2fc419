"""Writes this example HMC dump: two POWER10 frames, each with a dual-VIOS pair (vSCSI and
NPIV storage, a Shared Ethernet Adapter on VLANs 1, 100, 200) and six client partitions, in the
default output formats of IBM's lssyscfg, lshwres, lsmap and lsdev. Run it from this folder
(``python make_dump.py``); tests/test_hmc_import.py checks the files are what it writes.

The values are made up but shaped like a real small shop: ERP database and application
servers, web servers, a batch LPAR that is shut down, an NFS server with a dedicated FC
adapter (it blocks active migration) and one partition with migration disabled."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
FRAMES = {
    "p10-a": ("9105-42A", "78A1B2C", [
        ("erpdb01", 4, "Running", 131072, 8.0, [100]),
        ("erpapp01", 5, "Running", 65536, 4.0, [100, 200]),
        ("web01", 6, "Running", 16384, 1.0, [200]),
        ("web02", 7, "Running", 16384, 1.0, [200]),
        ("batch01", 8, "Not Activated", 32768, 2.0, [100]),
        ("nfs01", 9, "Running", 8192, 0.5, [100]),
    ]),
    "p10-b": ("9105-42A", "78A1B3D", [
        ("erpdb02", 4, "Running", 131072, 8.0, [100]),
        ("erpapp02", 5, "Running", 65536, 4.0, [100, 200]),
        ("web03", 6, "Running", 16384, 1.0, [200]),
        ("dev01", 7, "Running", 32768, 2.0, [100]),
        ("test01", 8, "Running", 16384, 1.0, [200]),
        ("legacy01", 9, "Running", 8192, 0.5, [100]),
    ]),
}
#: (name, partition ID, FC port, storage target port both fabrics reach)
VIOS = [("vios1", 1, "fcs0", "W500507680B215E40"), ("vios2", 2, "fcs1", "W500507680B215E40")]


def line(**kv) -> str:
    """attribute=value pairs; a value with a comma gets the whole pair in double quotes."""
    return ",".join(f'"{k}={v}"' if "," in str(v) else f"{k}={v}" for k, v in kv.items())


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def frame_files(name: str, model: str, serial: str, lpars: list) -> dict[str, list[str]]:
    loc = f"U{model.replace('-', '.')}.{serial}"
    out: dict[str, list[str]] = {k: [] for k in (
        "lssyscfg-r-lpar.txt", "lssyscfg-r-prof.txt", "lshwres-r-mem-level-sys.txt",
        "lshwres-r-mem-level-lpar.txt", "lshwres-r-proc-level-sys.txt",
        "lshwres-r-proc-level-lpar.txt", "lshwres-r-virtualio-rsubtype-scsi-level-lpar.txt",
        "lshwres-r-virtualio-rsubtype-fc-level-lpar.txt",
        "lshwres-r-virtualio-rsubtype-eth-level-lpar.txt", "lshwres-r-io-rsubtype-slot.txt")}
    out["lshwres-r-mem-level-sys.txt"].append(line(
        configurable_sys_mem=1048576, curr_avail_sys_mem=524288, installed_sys_mem=1048576,
        sys_firmware_mem=24576, mem_region_size=256))
    out["lshwres-r-proc-level-sys.txt"].append(line(
        configurable_sys_proc_units=40.0, curr_avail_sys_proc_units=12.0, installed_sys_proc_units=40.0))
    for vname, vid, _, _ in VIOS:
        out["lssyscfg-r-lpar.txt"].append(line(
            name=vname, lpar_id=vid, lpar_env="vioserver", state="Running", resource_config=1,
            os_version="VIOS 4.1.0.10", rmc_state="active", msp=1, default_profile="normal",
            curr_profile="normal", curr_lpar_proc_compat_mode="POWER10",
            desired_lpar_proc_compat_mode="default"))
        out["lssyscfg-r-prof.txt"].append(line(
            name="normal", lpar_name=vname, lpar_id=vid, lpar_env="vioserver", desired_mem=16384,
            desired_procs=2, desired_proc_units=1.0, proc_mode="shared", max_virtual_slots=300))
        out["lshwres-r-mem-level-lpar.txt"].append(line(lpar_name=vname, lpar_id=vid, curr_mem=16384, mem_mode="ded"))
        out["lshwres-r-proc-level-lpar.txt"].append(line(
            lpar_name=vname, lpar_id=vid, curr_proc_mode="shared", curr_procs=2, curr_proc_units=1.0))
        out["lshwres-r-virtualio-rsubtype-eth-level-lpar.txt"].append(line(
            lpar_name=vname, lpar_id=vid, slot_num=2, state=1, is_trunk=1, trunk_priority=vid,
            ieee_virtual_eth=1, port_vlan_id=1, vswitch="ETHERNET0", addl_vlan_ids="100,200",
            mac_addr=f"FA1B2C3D4E0{vid}"))
        out["lshwres-r-io-rsubtype-slot.txt"].append(line(
            unit_phys_loc=f"{loc}", drc_name=f"{loc}-P0-C{vid}", phys_loc=f"P0-C{vid}",
            lpar_name=vname, lpar_id=vid, description="8 Gigabit PCI Express Dual Port Fibre Channel Adapter"))
    for pname, pid, state, mem, procs, vlans in lpars:
        out["lssyscfg-r-lpar.txt"].append(line(
            name=pname, lpar_id=pid, lpar_env="aixlinux", state=state, resource_config=1,
            os_version="AIX 7.3 7300-02-02-2420" if state == "Running" else "Unknown",
            rmc_state="active" if state == "Running" else "inactive", msp=0,
            default_profile="normal", curr_profile="normal" if state == "Running" else "",
            curr_lpar_proc_compat_mode="POWER9_base", desired_lpar_proc_compat_mode="default",
            migration_disabled=1 if pname == "legacy01" else 0))
        out["lssyscfg-r-prof.txt"].append(line(
            name="normal", lpar_name=pname, lpar_id=pid, lpar_env="aixlinux", min_mem=mem // 4,
            desired_mem=mem, max_mem=mem * 2, proc_mode="shared", min_proc_units=0.1,
            desired_proc_units=procs, max_proc_units=procs * 2, desired_procs=max(1, int(procs)),
            sharing_mode="uncap", uncap_weight=128,
            virtual_scsi_adapters=f"10/client/1/vios1/{10 + pid}/1,11/client/2/vios2/{10 + pid}/1"))
        out["lshwres-r-mem-level-lpar.txt"].append(line(
            lpar_name=pname, lpar_id=pid, curr_min_mem=mem // 4, curr_mem=mem if state == "Running" else 0,
            curr_max_mem=mem * 2, mem_mode="ded"))
        out["lshwres-r-proc-level-lpar.txt"].append(line(
            lpar_name=pname, lpar_id=pid, curr_shared_proc_pool_id=0, curr_proc_mode="shared",
            curr_procs=max(1, int(procs)), curr_proc_units=procs, curr_sharing_mode="uncap"))
        for (vname, vid, _, _), slot in zip(VIOS, (10, 11)):
            out["lshwres-r-virtualio-rsubtype-scsi-level-lpar.txt"].append(line(
                lpar_name=pname, lpar_id=pid, slot_num=slot, state=1, is_required=1,
                adapter_type="client", remote_lpar_id=vid, remote_lpar_name=vname,
                remote_slot_num=10 + pid))
        if pname.startswith("erp"):  # NPIV for the ERP database and application data
            for (vname, vid, _, _), slot in zip(VIOS, (20, 21)):
                wwpn = f"c05076{serial[-4:].lower()}{pid:02x}{vid}{slot:02x}"
                out["lshwres-r-virtualio-rsubtype-fc-level-lpar.txt"].append(line(
                    lpar_name=pname, lpar_id=pid, slot_num=slot, adapter_type="client", state=1,
                    is_required=0, remote_lpar_id=vid, remote_lpar_name=vname,
                    remote_slot_num=20 + pid, wwpns=f"{wwpn}0,{wwpn}1"))
        out["lshwres-r-virtualio-rsubtype-eth-level-lpar.txt"].append(line(
            lpar_name=pname, lpar_id=pid, slot_num=2, state=1, is_trunk=0, ieee_virtual_eth=1,
            port_vlan_id=vlans[0], vswitch="ETHERNET0",
            addl_vlan_ids=",".join(map(str, vlans[1:])) or "none",
            mac_addr=f"FA1B2C{pid:02X}{serial[-2:]}02", is_required=0))
        if pname == "nfs01":
            out["lshwres-r-io-rsubtype-slot.txt"].append(line(
                unit_phys_loc=loc, drc_name=f"{loc}-P0-C7", phys_loc="P0-C7", lpar_name=pname,
                lpar_id=pid, description="PCIe3 2-Port 16Gb FC Adapter"))
    return out


def lun_base(frame: str) -> int:
    """LUN numbers of a frame's disks on the shared storage: 0x01.. for the first, 0x11.."""
    return 0x10 * list(FRAMES).index(frame)


def vios_files(name: str, model: str, serial: str, lpars: list, vname: str, vid: int,
               port: str, target: str) -> dict[str, list[str]]:
    loc = f"U{model.replace('-', '.')}.{serial}"
    scsi = ["SVSA            Physloc                                      Client Partition ID",
            "--------------- -------------------------------------------- ------------------"]
    npiv = ["Name          Physloc                            ClntID ClntName       ClntOS",
            "------------- ---------------------------------- ------ -------------- -------"]
    for i, (pname, pid, state, _, _, _) in enumerate(lpars):
        scsi += ["", f"vhost{i:<10} {loc}-V{vid}-C{10 + pid:<28} 0x{pid:08x}", "",
                 f"VTD                   vt_{pname}_rootvg", "Status                Available",
                 "LUN                   0x8100000000000000",
                 f"Backing device        hdisk{2 + i}",
                 f"Physloc               U78D8.ND1.FGD{serial[-3:]}-P1-C2-T1-{target}"
                 f"-L{lun_base(name) + i + 1:X}000000000000",
                 "Mirrored              false"]
        if pname.startswith("erp"):
            npiv += ["", f"vfchost{i:<6} {loc}-V{vid}-C{20 + pid:<21} {pid:>6} {pname:<14} AIX", "",
                     "Status:LOGGED_IN" if state == "Running" else "Status:NOT_LOGGED_IN",
                     f"FC name:{port:<20} FC loc code:U78D8.ND1.FGD{serial[-3:]}-P1-C2-T1",
                     "Ports logged in:2", "Flags:a<LOGGED_IN,STRIP_MERGE>",
                     f"VFC client name:fcs{vid - 1:<12} VFC client DRC:{loc}-V{pid}-C{19 + vid}"]
    lsdev = ["attribute       value description                                                  user_settable", "",
             "cfg_msp_lpm_ops 8     Configured number of concurrent LPM operations for this MSP True",
             "concurrency_lvl 3     Concurrency level                                            True",
             "lpm_msnap_succ  1     Create mini-snap for successful migrations                   True",
             "max_lpm_vasi    1     Maximum number of VASI adapters used for LPM operations      False",
             "max_vasi_ops    8     Maximum number of concurrent LPM operations per VASI         False",
             "tcp_port_high   0     TCP highest ephemeral port                                   True",
             "tcp_port_low    0     TCP lowest ephemeral port                                    True"]
    return {"lsmap-all.txt": scsi, "lsmap-all-npiv.txt": npiv, "lsdev-dev-vioslpm0-attr.txt": lsdev}


def files() -> dict[Path, list[str]]:
    out: dict[Path, list[str]] = {Path("lssyscfg-r-sys.txt"): [
        line(name=n, type_model=m, serial_num=s, ipaddr=f"10.0.0.{i + 10}", state="Operating",
             active_lpar_mobility_capable=1, inactive_lpar_mobility_capable=1,
             lpar_proc_compat_modes="default,POWER9_base,POWER9,POWER10")
        for i, (n, (m, s, _)) in enumerate(FRAMES.items())],
        # lshmc -V, as the HMC prints it
        Path("lshmc-V.txt"): ['"version= Version: 10', ' Release: 3', ' Service Pack: 1050',
                              'HMC Build level 2306081138', '","base_version=V10R3', '"']}
    for name, (model, serial, lpars) in FRAMES.items():
        for fname, lines in frame_files(name, model, serial, lpars).items():
            out[Path(name) / fname] = lines
        for vname, vid, port, target in VIOS:
            for fname, lines in vios_files(name, model, serial, lpars, vname, vid, port, target).items():
                out[Path(name) / vname / fname] = lines
    return out


def main() -> None:
    for path, lines in files().items():
        write(HERE / path, lines)


if __name__ == "__main__":
    main()
