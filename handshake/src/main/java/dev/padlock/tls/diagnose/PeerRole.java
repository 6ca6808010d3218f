package dev.padlock.tls.diagnose;

/**
 * What the peer is in the handshake, which decides the extended key usage its certificate needs
 * (RFC 5280 section 4.2.1.12): a server needs serverAuth, a client needs clientAuth.
 */
public enum PeerRole {
  SERVER("1.3.6.1.5.5.7.3.1", "serverAuth"),
  CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth");

  private final String ekuOid;
  private final String ekuName;

  PeerRole(String ekuOid, String ekuName) {
    this.ekuOid = ekuOid;
    this.ekuName = ekuName;
  }

  /** The OID of the extended key usage this role's certificate needs. */
  public String ekuOid() {
    return ekuOid;
  }

  /** The RFC 5280 name of that usage. */
  public String ekuName() {
    return ekuName;
  }
}
