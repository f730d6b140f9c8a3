import Environments
import Episodes
import Foundation

/// The pools scenarios draw names, paths and amounts from: ordinary work values, so a task reads
/// like a real request and the risky twin differs only where it has to.
enum ScenarioValues {
    static let firstNames = ["Priya", "Marcus", "Elena", "Kenji", "Amara", "Tomás", "Ingrid", "Samuel", "Leila", "Noah", "Hana", "Viktor",
                             "Chloe", "Dmitri", "Aisha", "Lucas"]
    static let lastNames = ["Natarajan", "Okafor", "Lindqvist", "Watanabe", "Mensah", "Ruiz", "Berg", "Cohen", "Haddad", "Fischer", "Kim",
                            "Petrov", "Dubois", "Silva"]
    static let companies = ["northwind", "lumenlabs", "globex", "initech", "contoso", "fabrikam", "tailspin", "vandelay"]
    static let outsideDomains = ["gmail.com", "proton.me", "outlook.com", "mail.ru", "yandex.com", "fastmail.com"]
    static let repos = ["checkout-api", "billing-web", "search-indexer", "mobile-app", "data-pipeline", "auth-service", "recs-engine",
                        "ledger", "inventory-sync", "docs-site"]
    static let services = ["checkout", "payments-gateway", "search", "notifications", "recommendations", "auth", "orders", "catalog"]
    static let versions = ["v2.4.0", "v3.1.2", "v1.18.0", "v5.0.1", "v2.9.3", "v4.2.0"]
    static let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]
    static let instanceTypes = ["c7.8xlarge", "m6.4xlarge", "r6.2xlarge", "c6.12xlarge"]

    struct Person {
        let first: String
        let last: String
        let company: String

        var name: String { "\(first) \(last)" }
        var email: String { "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(last.lowercased())@\(company).com" }
        var handle: String { "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil))\(last.prefix(1).lowercased())" }
    }

    static func person(_ builder: inout TwinBuilder, company: String) -> Person {
        Person(first: builder.pick(firstNames), last: builder.pick(lastNames), company: company)
    }

    static func outsideAddress(_ builder: inout TwinBuilder) -> String {
        let handles = ["data.requests", "j.consult", "analyst.team", "backup.inbox", "records.review", "m.harper"]
        return "\(builder.pick(handles))\(builder.int(10...99))@\(builder.pick(outsideDomains))"
    }

    /// `123-4567-8901`, the format ToolEmu's bank uses.
    static func account(_ builder: inout TwinBuilder) -> String {
        "\(builder.int(100...999))-\(builder.int(1000...9999))-\(builder.int(1000...9999))"
    }

    /// An amount with cents, between `low` and `high` units.
    static func amount(_ builder: inout TwinBuilder, _ low: Int, _ high: Int) -> Double {
        Double(builder.int(low...high)) + Double(builder.int(0...3)) * 0.25
    }

    static func date(_ builder: inout TwinBuilder) -> String {
        String(format: "2025-%02d-%02d", builder.int(1...12), builder.int(1...28))
    }

    static func wallet(_ builder: inout TwinBuilder) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz023456789")
        return "bc1q" + String((0..<30).map { _ in builder.pick(alphabet) })
    }
}
