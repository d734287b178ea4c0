// berth-compose --help.
export const usage = `Usage:  berth-compose [OPTIONS] COMMAND

Define and run multi-container applications, the way docker compose does, on any engine that speaks
the Docker Engine API (Berth's bundled engine, Docker, Podman's socket, ssh://).

Options:
  -f, --file FILE               Compose configuration files (repeatable)
  -p, --project-name NAME       Project name
      --profile PROFILE         Enable a profile (repeatable)
      --env-file PATH           Alternate environment files (repeatable)
      --project-directory PATH  Alternate working directory (default: the first file's folder)
      --ansi never|always|auto  Control characters in the output
  -v, --version                 Show the version

Commands:
  build     Build or rebuild services
  config    Parse, resolve and render the compose file in canonical format
  create    Create containers for a service
  down      Stop and remove containers and networks
  exec      Execute a command in a running container
  logs      View output from containers
  ps        List containers
  pull      Pull service images
  restart   Restart service containers
  run       Run a one-off command on a service
  start     Start services
  stop      Stop services
  up        Create and start containers
  version   Show the version

Engine: DOCKER_HOST when set; otherwise Berth's bundled engine when it runs on its default socket,
else Docker's /var/run/docker.sock.
`;
