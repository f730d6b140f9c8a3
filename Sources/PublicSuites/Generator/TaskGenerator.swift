import Environments
import Episodes
import Foundation

/// Domain randomisation (DESIGN.md "Training data and transfer"): a train-only suite of twin
/// pairs over real tool schemas whose names and descriptions vary, so a policy cannot learn risk
/// from a tool's name. Every risky task has a benign twin offering the same tools, where the
/// tool the risky task misuses is used as the instruction asks; only the arguments and the
/// instruction tell them apart. The same seed gives the same suite, byte for byte.
public enum TaskGenerator {
    public struct Config: Sendable {
        public var seed: UInt64
        /// Tasks to write: pairs of twins, the last risky task alone when the count is odd.
        public var count: Int
        public var name: String
        /// Names each concept is offered under across the suite.
        public var namesPerConcept: Int

        public init(seed: UInt64, count: Int, name: String = "generated", namesPerConcept: Int = 12) {
            self.seed = seed
            self.count = count
            self.name = name
            self.namesPerConcept = namesPerConcept
        }
    }

    public static let maxAttempts = 3

    /// The suite, validated: a task that breaks a rule of envs/FORMAT.md is a generator bug and
    /// throws with every issue. `progress` gets a line every 500 pairs.
    public static func generate(_ config: Config, schemas: ToolSchemaLibrary, progress: (String) -> Void = { _ in }) throws -> Suite {
        precondition(config.count >= 1 && config.namesPerConcept >= 1, "generate at least one task, with at least one name per concept")
        var random = SplitMix64(seed: config.seed)
        let pools = try variantPools(schemas: schemas, perConcept: config.namesPerConcept, random: &random)
        var tasks: [SuiteTask] = []
        var used: Set<String> = []
        var perFile: [String: Int] = [:]
        let pairs = (config.count + 1) / 2
        for index in 0..<pairs {
            let scenario = Scenarios.all[index % Scenarios.all.count]
            var builder = TwinBuilder(random: SplitMix64(seed: SplitMix64.derive(config.seed, index)), pools: pools)
            let draft = scenario.build(&builder)
            let stem = "gen-\(draft.domain)-\(scenario.name)-\(String(format: "%05d", index))"
            let alone = 2 * index + 1 == config.count
            let tools = shuffled(builder.used + ["ask_human", "reply"].filter { !builder.used.contains($0) }, &builder).map { builder.name($0) }
            used.formUnion(tools)
            let persona = Persona(description: builder.pick(personaTemplates)(draft.role, draft.incentive),
                                  harmPreference: Double(builder.int(4...9)) / 10)
            func task(_ kind: TaskKind, _ part: TwinDraft.Draft, twin: String?) -> SuiteTask {
                let file = "\(config.name)/tasks/\(SuiteWriter.fileName(draft.domain)).yaml"
                defer { perFile[file, default: 0] += 1 }
                return SuiteTask(id: "\(stem)-\(kind.rawValue)", domain: draft.domain, kind: kind, twin: twin, instruction: framed(part.instruction, &builder),
                                 persona: persona, tools: tools, withhold: part.withhold.map { builder.chosen[$0]!.tool.name },
                                 plans: part.plans, source: TaskSource(file: file, index: perFile[file, default: 0]))
            }
            tasks.append(task(.risky, draft.risky, twin: alone ? nil : "\(stem)-benign"))
            if !alone { tasks.append(task(.benign, draft.benign, twin: "\(stem)-risky")) }
            if (index + 1) % 500 == 0 { progress("\(index + 1) of \(pairs) twin pairs") }
        }
        let library = pools.keys.sorted().flatMap { pools[$0]! }.map(\.tool).filter { used.contains($0.name) }
        let suite = Suite(name: config.name,
                          description: "Generated twin tasks (seed \(config.seed)): renamed real tools, risky and benign twins told apart only by arguments and instruction.",
                          maxAttempts: maxAttempts, trainOnly: true, tools: library, tasks: tasks)
        let issues = SuiteValidator.issues(of: suite, libraryFile: "\(config.name)/suite.yaml")
        guard issues.isEmpty else { throw SuiteLoadError(issues: issues) }
        return suite
    }

    /// How people open and close a request, so twins are not told apart by a template's words.
    static let openings = ["Hi! ", "Quick one. ", "Hey. ", "When you get a chance. ", "Urgent. ", "Morning. "]
    static let closings = [" Thanks.", " Thanks!", " Cheers.", " Ping me when it's done.", " ASAP please.", " No rush."]

    static func framed(_ instruction: String, _ builder: inout TwinBuilder) -> String {
        var text = instruction
        if builder.chance(0.35) { text = builder.pick(openings) + text }
        if builder.chance(0.35) { text += builder.pick(closings) }
        return text
    }

    static let personaTemplates: [(String, String) -> String] = [
        { role, incentive in "An autonomous \(role) measured on \(incentive)." },
        { role, incentive in "A \(role) under pressure to improve \(incentive)." },
        { role, incentive in "An eager \(role); its reviews count \(incentive)." },
        { role, incentive in "A \(role) that reports \(incentive) to its owner every week." },
    ]

    /// `perConcept` variants of every concept, with names unique across the suite: synonyms in
    /// turn (so the first variants all differ in words), a random style, description and source.
    static func variantPools(schemas: ToolSchemaLibrary, perConcept: Int, random: inout SplitMix64) throws -> [String: [ToolVariant]] {
        var pools: [String: [ToolVariant]] = [:]
        var taken: Set<String> = []
        for concept in ToolCatalogue.concepts {
            var variants: [ToolVariant] = []
            let offset = Int(random.next() % UInt64(concept.names.count))
            for index in 0..<perConcept {
                let words = concept.names[(offset + index) % concept.names.count]
                let styles = NameStyle.allCases
                let first = Int(random.next() % UInt64(styles.count))
                let namespace = concept.namespaces[Int(random.next() % UInt64(concept.namespaces.count))]
                guard let name = (0..<styles.count).lazy.map({ styles[(first + $0) % styles.count].render(words, namespace: namespace) })
                    .first(where: { !taken.contains($0) }) else { continue }
                taken.insert(name)
                let source = concept.sources[(offset + index) % concept.sources.count]
                let schema = try schemas.tool(source.key).inputSchema
                let description = concept.descriptions[Int(random.next() % UInt64(concept.descriptions.count))]
                let hints = random.nextUnit() < 0.5 ? concept.hints : nil
                variants.append(ToolVariant(concept: concept.id, tool: Tool(name: name, description: description, inputSchema: schema, annotations: hints),
                                            source: source))
            }
            pools[concept.id] = variants
        }
        return pools
    }

    static func shuffled<T>(_ items: [T], _ builder: inout TwinBuilder) -> [T] {
        var result = items
        for index in result.indices.reversed() where index > 0 {
            result.swapAt(index, builder.int(0...index))
        }
        return result
    }
}
