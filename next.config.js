// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // dockerode pulls in ssh2/cpu-features and gRPC: keep them out of the bundle, load them from node_modules at run time.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features"],
  poweredByHeader: false,
  // `npm run dev` is opened as http://127.0.0.1:3000 as often as as http://localhost:3000.
  allowedDevOrigins: ["127.0.0.1", "localhost", "[::1]"],
  reactStrictMode: true,
  // A local tool: no telemetry-style image optimisation or remote assets.
  images: { unoptimized: true },
};

module.exports = nextConfig;
