import { encodeCBOR, type CBORType } from "@levischuck/tiny-cbor";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { toBase64Url } from "../../lib/base64url";

/**
 * A software WebAuthn authenticator for tests, standing in for a phone or a
 * security key (and for what the browser adds around it): one ES256 key pair
 * from crypto.subtle, attestation "none", a resident credential. It answers
 * `create` and `get` options the way `credential.toJSON()` would, for the
 * origin it is told it runs on; the rpId it hashes is the options' unless a
 * test overrides it. With `counting`, its signature counter grows by one per
 * assertion and can be wound back to imitate a cloned authenticator. Every
 * answer carries user presence and user verification (the fingerprint or PIN
 * was checked), as the staff ceremonies require, unless a test passes
 * `userVerified: false` (a security key touched without its PIN).
 */
export class FakeAuthenticator {
  /** The next assertion's counter is `signCount + 1` when counting; 0 always otherwise. */
  signCount = 0;

  private constructor(
    readonly credentialId: string,
    private readonly keys: CryptoKeyPair,
    private readonly counting: boolean,
    private userHandle: string | undefined,
  ) {}

  static async create({ counting = true }: { counting?: boolean } = {}): Promise<FakeAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return new FakeAuthenticator(toBase64Url(crypto.getRandomValues(new Uint8Array(16))), keys, counting, undefined);
  }

  /** Answers `navigator.credentials.create(options)` as run on `origin`. */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    { origin, rpId = options.rp.id ?? new URL(origin).hostname, userVerified = true }: { origin: string; rpId?: string; userVerified?: boolean },
  ): Promise<RegistrationResponseJSON> {
    this.userHandle = options.user.id;
    const clientDataJSON = clientData("webauthn.create", options.challenge, origin);
    const credentialId = base64UrlBytes(this.credentialId);
    const attestedCredential = concat(new Uint8Array(16), uint16(credentialId.length), credentialId, await this.cosePublicKey());
    const authenticatorData = concat(await sha256(rpId), new Uint8Array([flags(userVerified) | ATTESTED_CREDENTIAL_DATA]), uint32(0), attestedCredential);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authenticatorData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        attestationObject: toBase64Url(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** Answers `navigator.credentials.get(options)` as run on `origin`. */
  async signIn(
    options: PublicKeyCredentialRequestOptionsJSON,
    { origin, rpId = options.rpId ?? new URL(origin).hostname, userVerified = true }: { origin: string; rpId?: string; userVerified?: boolean },
  ): Promise<AuthenticationResponseJSON> {
    if (this.counting) this.signCount += 1;
    const clientDataJSON = clientData("webauthn.get", options.challenge, origin);
    const authenticatorData = concat(await sha256(rpId), new Uint8Array([flags(userVerified)]), uint32(this.counting ? this.signCount : 0));
    const signed = concat(authenticatorData, new Uint8Array(await crypto.subtle.digest("SHA-256", clientDataJSON)));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed));
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authenticatorData),
        // WebAuthn carries ECDSA signatures DER-encoded; WebCrypto gives r ‖ s.
        signature: toBase64Url(derSignature(raw)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** The public key as a COSE_Key map: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y. */
  private async cosePublicKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    return encodeCBOR(
      new Map<number, CBORType>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, base64UrlBytes(jwk.x!)],
        [-3, base64UrlBytes(jwk.y!)],
      ]),
    );
  }
}

/** Authenticator data flags (WebAuthn §6.1): user present, user verified, attested credential data. */
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const ATTESTED_CREDENTIAL_DATA = 0x40;
const flags = (userVerified: boolean) => USER_PRESENT | (userVerified ? USER_VERIFIED : 0);

/** A signed assertion with one bit of its signature flipped. */
export function tamperSignature(response: AuthenticationResponseJSON): AuthenticationResponseJSON {
  const signature = base64UrlBytes(response.response.signature);
  signature[signature.length - 1]! ^= 0x01;
  return { ...response, response: { ...response.response, signature: toBase64Url(signature) } };
}

function clientData(type: string, challenge: string, origin: string): Uint8Array<ArrayBuffer> {
  return concat(new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false })));
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function base64UrlBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
}

function uint16(value: number): Uint8Array {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** r ‖ s (32 bytes each) as an ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.slice(start);
    // A leading 1 bit would read as negative: prefix a zero byte.
    const body = trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const sequence = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, sequence.length]), sequence);
}
