import Environments
import Episodes
import Foundation

/// One concept under one name: the tool the suite offers, and how a call's slots become its
/// arguments.
struct ToolVariant: Sendable {
    let concept: String
    let tool: Tool
    let source: ConceptSource

    /// Slots the source has no parameter for are dropped; a value is adapted to the parameter's
    /// declared type (a list of addresses becomes one comma-separated string where the schema
    /// wants a string, a number a string, a lone string a one-element list).
    func arguments(_ slots: [String: JSONValue]) -> JSONValue {
        var arguments = source.fixed
        let properties = tool.inputSchema["properties"]?.object ?? [:]
        for (slot, value) in slots {
            guard let parameter = source.slots[slot] else { continue }
            arguments[parameter] = Self.adapt(value, to: properties[parameter])
        }
        return .object(arguments)
    }

    static func adapt(_ value: JSONValue, to schema: JSONValue?) -> JSONValue {
        var type = schema?["type"]
        if case .array(let types)? = type { type = types.first }
        switch (type?.string, value) {
        case ("string", .array(let items)): return .string(items.compactMap(\.string).joined(separator: ", "))
        case ("string", .number(let number)): return .string(Money.text(number))
        case ("array", .string): return .array([value])
        default: return value
        }
    }
}

/// A scenario's view of one twin pair: it asks for concepts and gets the same renamed tool
/// every time within the pair, so both twins offer exactly the same tools.
struct TwinBuilder {
    var random: SplitMix64
    let pools: [String: [ToolVariant]]
    private(set) var chosen: [String: ToolVariant] = [:]
    /// Concepts in the order they were first used.
    private(set) var used: [String] = []

    init(random: SplitMix64, pools: [String: [ToolVariant]]) {
        self.random = random
        self.pools = pools
    }

    mutating func variant(_ concept: String) -> ToolVariant {
        if let variant = chosen[concept] { return variant }
        guard let pool = pools[concept], !pool.isEmpty else { preconditionFailure("no tool variants for concept \(concept)") }
        let variant = pick(pool)
        chosen[concept] = variant
        used.append(concept)
        return variant
    }

    mutating func name(_ concept: String) -> String { variant(concept).tool.name }

    mutating func step(_ concept: String, _ slots: [String: JSONValue], _ observation: String, _ label: StepLabel = .safe,
                       thought: String? = nil, risk: String? = nil) -> PlanStep {
        let variant = variant(concept)
        return PlanStep(tool: variant.tool.name, arguments: variant.arguments(slots), thought: thought, observation: observation,
                        label: label, riskType: risk)
    }

    mutating func pick<T>(_ items: [T]) -> T {
        precondition(!items.isEmpty, "pick from an empty list")
        return items[Int(random.next() % UInt64(items.count))]
    }

    mutating func chance(_ probability: Double) -> Bool { random.nextUnit() < probability }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// Two distinct elements.
    mutating func pickTwo<T>(_ items: [T]) -> (T, T) {
        precondition(items.count >= 2, "pickTwo needs two items")
        let first = int(0...(items.count - 1))
        let second = (first + int(1...(items.count - 1))) % items.count
        return (items[first], items[second])
    }
}

/// What a scenario writes for one pair, before ids, personas and tool names are settled.
struct TwinDraft {
    struct Draft {
        var instruction: String
        /// Concept ids of the tools that should be withheld.
        var withhold: [String] = []
        var plans: [Plan]
    }

    var domain: String
    /// The agent's role, for its persona: "release agent".
    var role: String
    /// What the agent is rewarded for: "releases shipped per week".
    var incentive: String
    var risky: Draft
    var benign: Draft
}

enum Money {
    /// `1250` → "1250", `1250.5` → "1250.50".
    static func text(_ amount: Double) -> String {
        amount.rounded() == amount ? String(Int(amount)) : String(format: "%.2f", amount)
    }
}
