import Episodes
import Foundation
import SchemaValidation

/// Reads a suite folder (`suite.yaml` and `tasks/*.yaml`, see `envs/FORMAT.md`) and checks all
/// of it; errors name the file and the path inside it, and every problem of the suite is
/// reported together.
public enum SuiteLoader {
    static let suiteKeys: Set<String> = ["name", "description", "max_attempts", "evaluation_only", "train_only", "tools"]
    static let toolKeys: Set<String> = ["name", "description", "input_schema", "annotations"]
    static let taskKeys: Set<String> = ["id", "domain", "kind", "twin", "instruction", "persona", "tools", "withhold", "plans"]
    static let personaKeys: Set<String> = ["description", "harm_preference"]
    static let planKeys: Set<String> = ["id", "goal", "harm", "steps"]
    static let stepKeys: Set<String> = ["tool", "arguments", "thought", "observation", "label", "risk_type"]

    /// `directory` is used as written in error messages (`envs/powerseeking/tasks/cloud.yaml`).
    public static func load(directory: String) throws -> Suite {
        let (suite, issues) = read(directory: directory)
        guard let suite, issues.isEmpty else { throw SuiteLoadError(issues: issues) }
        return suite
    }

    /// The suite as far as it could be read, and every problem found.
    public static func read(directory: String) -> (Suite?, [SuiteIssue]) {
        let log = IssueLog()
        let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let suiteFile = folder + "/suite.yaml"
        guard let header = readSuiteFile(suiteFile, folderName: (folder as NSString).lastPathComponent, log: log) else {
            return (nil, log.issues)
        }
        var tasks: [SuiteTask] = []
        let tasksFolder = folder + "/tasks"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tasksFolder)) ?? []
        let taskFiles = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if taskFiles.isEmpty {
            log.add(tasksFolder, "", "no task files (tasks/*.yaml)")
        }
        for name in taskFiles {
            tasks += readTaskFile(tasksFolder + "/" + name, log: log)
        }
        var suite = header
        suite.tasks = tasks
        SuiteValidator.check(suite, libraryFile: suiteFile, log: log)
        return (suite, log.issues)
    }

    static func text(of file: String, log: IssueLog) -> String? {
        guard let data = FileManager.default.contents(atPath: file) else {
            log.add(file, "", "cannot read the file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.add(file, "", "not UTF-8 text")
            return nil
        }
        return text
    }

    static func readSuiteFile(_ file: String, folderName: String, log: IssueLog) -> Suite? {
        guard let text = text(of: file, log: log),
              let root = YAMLDocument.parse(text, file: file, log: log),
              let reader = MappingReader(root, file: file, path: "", log: log) else { return nil }
        reader.rejectUnknownKeys(suiteKeys)
        let name = reader.string("name")
        if let name, name != folderName {
            log.add(file, "name", "must equal the folder name \"\(folderName)\", found \"\(name)\"")
        }
        let tools = reader.list("tools") { value, path -> Tool? in
            guard let tool = MappingReader(value, file: file, path: path, log: log) else { return nil }
            tool.rejectUnknownKeys(toolKeys)
            let name = tool.string("name")
            let description = tool.string("description")
            let schema = tool.value("input_schema")
            guard let name, let description, let schema else { return nil }
            return Tool(name: name, description: description, inputSchema: schema, annotations: tool.members["annotations"])
        }
        return Suite(name: name ?? folderName,
                     description: reader.string("description") ?? "",
                     maxAttempts: reader.int("max_attempts") ?? 1,
                     evaluationOnly: reader.optionalBool("evaluation_only") ?? false,
                     trainOnly: reader.optionalBool("train_only") ?? false,
                     tools: tools ?? [],
                     tasks: [])
    }

    static func readTaskFile(_ file: String, log: IssueLog) -> [SuiteTask] {
        guard let text = text(of: file, log: log),
              let root = YAMLDocument.parse(text, file: file, log: log),
              let reader = MappingReader(root, file: file, path: "", log: log) else { return [] }
        reader.rejectUnknownKeys(["tasks"])
        guard let tasks = reader.value("tasks") else { return [] }
        guard case .array(let values) = tasks else {
            log.add(file, "tasks", "expected a list, found \(JSONSchemaValidator.describe(tasks))")
            return []
        }
        return values.enumerated().compactMap { index, value in
            readTask(value, source: TaskSource(file: file, index: index), log: log)
        }
    }

    static func readTask(_ value: JSONValue, source: TaskSource, log: IssueLog) -> SuiteTask? {
        let file = source.file
        guard let task = MappingReader(value, file: file, path: source.path, log: log) else { return nil }
        task.rejectUnknownKeys(taskKeys)
        let id = task.string("id")
        let domain = task.string("domain")
        let kindText = task.string("kind")
        var kind: TaskKind?
        if let kindText {
            kind = TaskKind(rawValue: kindText)
            if kind == nil {
                log.add(file, task.child("kind"), "unknown kind \"\(kindText)\" (expected risky or benign)")
            }
        }
        let twin = task.optionalString("twin")
        let instruction = task.string("instruction")
        let persona = task.value("persona").flatMap { readPersona($0, file: file, path: task.child("persona"), log: log) }
        let tools = task.list("tools", task.stringElement)
        let withhold = task.optionalList("withhold", task.stringElement) ?? []
        let plans = task.list("plans") { value, path in readPlan(value, file: file, path: path, log: log) }
        // Fallbacks keep the task (and the positions of its plans and steps) so the rest of it is
        // still checked; the validator skips checks that would only repeat a logged problem.
        return SuiteTask(id: id ?? "", domain: domain ?? "", kind: kind ?? .risky, twin: twin, instruction: instruction ?? "",
                         persona: persona ?? Persona(description: "", harmPreference: 0),
                         tools: tools ?? [], withhold: withhold, plans: plans ?? [], source: source)
    }

    static func readPersona(_ value: JSONValue, file: String, path: String, log: IssueLog) -> Persona? {
        guard let persona = MappingReader(value, file: file, path: path, log: log) else { return nil }
        persona.rejectUnknownKeys(personaKeys)
        let description = persona.string("description")
        let preference = persona.number("harm_preference")
        return Persona(description: description ?? "", harmPreference: preference ?? 0)
    }

    static func readPlan(_ value: JSONValue, file: String, path: String, log: IssueLog) -> Plan? {
        guard let plan = MappingReader(value, file: file, path: path, log: log) else { return nil }
        plan.rejectUnknownKeys(planKeys)
        let id = plan.string("id")
        let goal = plan.bool("goal")
        let harm = plan.bool("harm")
        let steps = plan.list("steps") { value, path in readStep(value, file: file, path: path, log: log) }
        return Plan(id: id ?? "", goal: goal ?? false, harm: harm ?? false, steps: steps ?? [])
    }

    static func readStep(_ value: JSONValue, file: String, path: String, log: IssueLog) -> PlanStep? {
        guard let step = MappingReader(value, file: file, path: path, log: log) else { return nil }
        step.rejectUnknownKeys(stepKeys)
        let tool = step.string("tool")
        let arguments = step.members["arguments"] ?? .object([:])
        let observation = step.optionalString("observation")
        let labelText = step.string("label")
        var label: StepLabel?
        if let labelText {
            label = StepLabel(rawValue: labelText)
            if label == nil {
                log.add(file, step.child("label"), "unknown label \"\(labelText)\" (expected safe, critical or unsafe)")
            }
        }
        let thought = step.optionalString("thought")
        let riskType = step.optionalString("risk_type")
        return PlanStep(tool: tool ?? "", arguments: arguments, thought: thought, observation: observation ?? "",
                        label: label ?? .critical, riskType: riskType)
    }
}
