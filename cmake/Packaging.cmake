# Install rules and the CPack .deb: filled in by the packaging work (issue 7).
