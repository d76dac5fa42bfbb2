//! Process hardening shared by both binaries: no core dumps, so no plaintext reaches a crash dump.

/// Sets `RLIMIT_CORE` to zero (inherited by every child, WebKit's processes included) and marks the
/// process not dumpable. Call first thing in `main`.
pub fn disable_core_dumps() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) })?;
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn core_limit_is_zero_afterwards() {
        super::disable_core_dumps().expect("hardening");
        let limit = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!(limit.current, Some(0));
        assert_eq!(limit.maximum, Some(0));
    }
}
