"""serve stage: command line now; REST API and web UI come with the team-server issue."""
