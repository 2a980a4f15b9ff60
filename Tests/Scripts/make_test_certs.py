"""Makes the certificates the HTTPS tests use, in the folder given: a test CA and leaf
certificates signed by it for `address` (an IPv4 address) and localhost.

  ca.pem                       the test CA (what --ca-bundle is given)
  good.pem / good.key          valid now, for the address and localhost
  wrong-host.pem / .key        valid now, but only for other.example
  expired.pem / .key           for the address, expired yesterday
  other-ca.pem                 a second CA that signed nothing here

Run by the tests with the Python of scripts/setup.sh --tests (it has `cryptography`).
"""
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def write(path, data):
    with open(path, "wb") as out:
        out.write(data)
    os.chmod(path, 0o644)


def make_ca(common):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(common))
        .issuer_name(name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(ca_key, ca_cert, names, not_before, not_after, path):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("darkroom test server"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    write(path + ".pem", cert.public_bytes(serialization.Encoding.PEM))
    write(path + ".key", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def main():
    folder, address = sys.argv[1], sys.argv[2]
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, ca_cert = make_ca("darkroom test CA")
    write(os.path.join(folder, "ca.pem"), ca_cert.public_bytes(serialization.Encoding.PEM))
    _, other = make_ca("another test CA")
    write(os.path.join(folder, "other-ca.pem"), other.public_bytes(serialization.Encoding.PEM))
    here = [x509.IPAddress(ipaddress.ip_address(address)), x509.DNSName("localhost")]
    day = datetime.timedelta(days=1)
    make_leaf(ca_key, ca_cert, here, now - day, now + 10 * day, os.path.join(folder, "good"))
    make_leaf(ca_key, ca_cert, [x509.DNSName("other.example")], now - day, now + 10 * day, os.path.join(folder, "wrong-host"))
    make_leaf(ca_key, ca_cert, here, now - 10 * day, now - day, os.path.join(folder, "expired"))


if __name__ == "__main__":
    main()
