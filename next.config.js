// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // dockerode pulls in ssh2/cpu-features and gRPC: keep them out of the bundle, load them from node_modules at run time.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features"],
  poweredByHeader: false,
  reactStrictMode: true,
  // A local tool: no telemetry-style image optimisation or remote assets.
  images: { unoptimized: true },
};

module.exports = nextConfig;
