/** Types for the test OpenID provider (oidc-provider.mjs), for the TypeScript that starts it (e2e/support/oidc.ts). */
export declare const TEST_CLIENT: { client_id: string; client_secret: string; redirect_uri: string };
export declare const TEST_ACCOUNTS: Record<string, { email: string; email_verified: boolean; groups: string[] }>;
export declare function startOidcProvider(options?: { redirectUris?: string[]; clockOffsetMs?: number }): Promise<{ issuer: string; stop: () => Promise<void> }>;
