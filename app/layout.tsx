import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "dockgraph",
  description: "How the images and containers of a Docker host depend on each other, and safe cleanup.",
  icons: { icon: "/favicon.svg" },
};

// Sets the theme before the first paint: the stored choice, else the system's.
const themeScript = `(() => { try { const t = localStorage.getItem("dockgraph-theme"); const dark = t ? t === "dark" : matchMedia("(prefers-color-scheme: dark)").matches; document.documentElement.dataset.theme = dark ? "dark" : "light"; } catch {} })();`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The proxy's per-request nonce: the Content-Security-Policy runs no inline script without it.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">{children}</body>
    </html>
  );
}
