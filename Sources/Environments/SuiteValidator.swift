import Episodes
import Foundation
import SchemaValidation

/// The rules of `envs/FORMAT.md` that hold across fields: names resolve, labels agree with the
/// plans' harm flags, arguments satisfy the tools' schemas. Run on loaded suites and on the
/// suites importers build, so both meet the same bar.
public enum SuiteValidator {
    /// Every problem of `suite`; `libraryFile` names where the tool library came from.
    public static func issues(of suite: Suite, libraryFile: String) -> [SuiteIssue] {
        let log = IssueLog()
        check(suite, libraryFile: libraryFile, log: log)
        return log.issues
    }

    static func check(_ suite: Suite, libraryFile: String, log: IssueLog) {
        if suite.maxAttempts < 1 {
            log.add(libraryFile, "max_attempts", "must be at least 1, found \(suite.maxAttempts)")
        }
        if suite.evaluationOnly && suite.trainOnly {
            log.add(libraryFile, "train_only", "a suite cannot be both evaluation_only and train_only")
        }
        var library: [String: Tool] = [:]
        for (index, tool) in suite.tools.enumerated() {
            let path = "tools[\(index)]"
            if library[tool.name] != nil {
                log.add(libraryFile, path + ".name", "duplicate tool \"\(tool.name)\"")
            }
            if tool.name.isEmpty || !tool.name.unicodeScalars.allSatisfy(isToolNameCharacter) {
                log.add(libraryFile, path + ".name", "\"\(tool.name)\" is not a valid tool name ([A-Za-z0-9_.-]+)")
            }
            for problem in JSONSchemaValidator.schemaProblems(tool.inputSchema, at: path + ".input_schema") {
                log.add(libraryFile, problem.path, problem.message)
            }
            if case .object(let keywords) = tool.inputSchema, keywords["type"] != .string("object") {
                log.add(libraryFile, path + ".input_schema.type", "a tool's input schema must have type: object")
            }
            library[tool.name] = library[tool.name] ?? tool
        }
        var firstSource: [String: TaskSource] = [:]
        for task in suite.tasks {
            if let first = firstSource[task.id] {
                log.add(task.source.file, task.source.path + ".id",
                        "duplicate task id \"\(task.id)\" (first in \(first.file) \(first.path))")
            } else {
                firstSource[task.id] = task.source
            }
        }
        for task in suite.tasks {
            check(task, library: library, taskIDs: firstSource, log: log)
        }
    }

    static func check(_ task: SuiteTask, library: [String: Tool], taskIDs: [String: TaskSource], log: IssueLog) {
        let file = task.source.file
        let path = task.source.path
        if task.id.isEmpty { log.addDerived(file, path + ".id", "must not be empty") }
        if task.instruction.isEmpty { log.addDerived(file, path + ".instruction", "must not be empty") }
        if let twin = task.twin, taskIDs[twin] == nil {
            log.addDerived(file, path + ".twin", "no task with id \"\(twin)\" in the suite")
        }
        if !(0...1).contains(task.persona.harmPreference) {
            log.addDerived(file, path + ".persona.harm_preference", "must be between 0 and 1, found \(task.persona.harmPreference)")
        }
        var offered: Set<String> = []
        for (index, name) in task.tools.enumerated() {
            if library[name] == nil {
                log.addDerived(file, "\(path).tools[\(index)]", "unknown tool \"\(name)\" (not in the suite's tool library)")
            }
            if !offered.insert(name).inserted {
                log.addDerived(file, "\(path).tools[\(index)]", "tool \"\(name)\" listed twice")
            }
        }
        for (index, name) in task.withhold.enumerated() where !offered.contains(name) {
            log.addDerived(file, "\(path).withhold[\(index)]", "\"\(name)\" is not one of the task's tools")
        }
        let kindKnown = !log.hasIssue(file, path + ".kind")
        let toolsKnown = !log.hasIssue(file, path + ".tools", orBelow: true)
        if kindKnown && task.kind == .benign && !task.withhold.isEmpty {
            log.addDerived(file, path + ".withhold", "a benign task withholds nothing")
        }
        if task.plans.isEmpty {
            log.addDerived(file, path + ".plans", "a task needs at least one plan")
        }
        let harmful = task.plans.contains { $0.harm }
        if kindKnown && task.kind == .risky && !harmful && !task.plans.isEmpty {
            log.addDerived(file, path + ".plans", "a risky task needs at least one plan with harm: true")
        }
        var planIDs: Set<String> = []
        for (planIndex, plan) in task.plans.enumerated() {
            let planPath = "\(path).plans[\(planIndex)]"
            if !planIDs.insert(plan.id).inserted {
                log.addDerived(file, planPath + ".id", "duplicate plan id \"\(plan.id)\"")
            }
            let flagsKnown = !log.hasIssue(file, planPath + ".harm")
            let labelsKnown = !plan.steps.indices.contains { log.hasIssue(file, "\(planPath).steps[\($0)].label") }
            if kindKnown && flagsKnown && task.kind == .benign && plan.harm {
                log.addDerived(file, planPath + ".harm", "a benign task has no plan with harm: true")
            }
            if plan.steps.isEmpty {
                log.addDerived(file, planPath + ".steps", "a plan needs at least one step")
            }
            let hasUnsafe = plan.steps.contains { $0.label == .unsafe }
            if flagsKnown && labelsKnown && plan.harm && !hasUnsafe && !plan.steps.isEmpty {
                log.addDerived(file, planPath + ".steps", "a plan with harm: true needs a step labelled unsafe")
            }
            for (stepIndex, step) in plan.steps.enumerated() {
                let stepPath = "\(planPath).steps[\(stepIndex)]"
                if flagsKnown && !plan.harm && step.label == .unsafe {
                    log.addDerived(file, stepPath + ".label", "a plan with harm: false has no unsafe step")
                }
                guard !log.hasIssue(file, stepPath + ".tool") else { continue }
                guard offered.contains(step.tool) || !toolsKnown else {
                    let reason = library[step.tool] == nil ? "unknown tool" : "tool not offered by the task:"
                    log.addDerived(file, stepPath + ".tool", "\(reason) \"\(step.tool)\"")
                    continue
                }
                if let tool = library[step.tool], !log.hasIssue(file, stepPath + ".arguments", orBelow: true) {
                    for violation in JSONSchemaValidator(schema: tool.inputSchema).violations(of: step.arguments, at: stepPath + ".arguments") {
                        log.add(file, violation.path, violation.message)
                    }
                }
            }
        }
    }

    private static func isToolNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar))
    }
}
