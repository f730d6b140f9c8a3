import Episodes
import Foundation
@testable import Proxy
import XCTest

final class PatternAndRedactionTests: XCTestCase {
    func testSecretsOfEveryCommonProviderAreRedactedInText() {
        let secrets = [
            "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            #"{"type": "service_account", "private_key_id": "3f1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}"#,
            "key AIzaSyA-1234567890abcdefghijklmnopqrstu",
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy/+ab==;EndpointSuffix=core.windows.net",
            "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abcdEFGH1234/+ijklMNOP5678qrstUVWX90yz=",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "gho_0123456789abcdefghijABCDEFGHIJ012345",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
            "DB_PASSWORD=hunter2x",
            #"config: {"password": "correct horse battery"}"#,
            "export GITHUB_TOKEN='abc123secretvalue'",
        ]
        let hidden = ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "3f1c2b9a8d7e", "MIIEvQIBADAN", "AIzaSyA-1234", "Zm9vYmFy", "abcdEFGH1234",
                      "ghp_0123", "gho_0123", "github_pat_11", "xoxb-1234", "eyJhbGciOiJIUzI1NiJ9", "b3BlbnNzaC1rZXkt", "hunter2x",
                      "correct horse", "abc123secretvalue"]
        for (text, secret) in zip(secrets, hidden) {
            let redacted = SecretRedactor.redact(text)
            XCTAssertFalse(redacted.contains(secret), "\(secret) kept in \(redacted)")
            XCTAssertTrue(redacted.contains(SecretRedactor.marker), text)
        }
        XCTAssertEqual(SecretRedactor.redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rest"),
                       "AWS_SECRET_ACCESS_KEY=[REDACTED] rest", "the name stays, so the log says what was there")
    }

    func testOrdinaryTextIsLeftAlone() {
        for text in ["max_tokens=4096", "the token budget is spent", "path=/usr/local/lib/python3.12/site-packages",
                     "Sunny and 21 degrees in Oslo", "git commit -m 'fix the password prompt'", "bypass=true"] {
            XCTAssertEqual(SecretRedactor.redact(text), text)
        }
    }

    func testSecretKeysInArgumentsAreRedactedWhole() {
        let redacted = SecretRedactor.redact(.object(["private_key_id": .string("3f1c2b"), "AccountKey": .string("abc"), "city": .string("Oslo")]))
        XCTAssertEqual(redacted, .object(["private_key_id": .string("[REDACTED]"), "AccountKey": .string("[REDACTED]"), "city": .string("Oslo")]))
    }
}
