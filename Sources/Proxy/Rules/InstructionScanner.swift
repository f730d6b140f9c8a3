import Foundation

/// Finds instructions aimed at the model rather than the user in any text an upstream sends:
/// definitions (`DescriptionScanner`) and results (`ResultScanner`). Phrases are matched on
/// every form `TextNormalizer.scanForms` gives, in English, French, Spanish, German, Italian,
/// Portuguese and Chinese, and again on whatever base64, hex or percent-encoded runs decode to.
public enum InstructionScanner {
    /// What a phrase signals. `shadowing`: it tells the model how to use other tools
    /// (SAF-T1301) rather than carrying an instruction of its own.
    public struct Match: Hashable, Sendable {
        public var meaning: String
        public var shadowing: Bool
        /// How the text was hidden, when it was: `base64`, `hex`, `percent-encoding` or
        /// `Unicode tag characters`.
        public var encoding: String?

        /// The meaning with where it was hidden, as a reason reads it.
        public var description: String {
            encoding.map { "\(meaning) (hidden in \($0))" } ?? meaning
        }
    }

    static let ignore = "asks the model to ignore its instructions"
    static let secrecy = "asks the model to keep something from the user"
    static let secrets = "asks for secrets to be read or sent"
    static let exfiltration = "asks for data to be sent to an outside address"
    static let role = "tries to change the model's role"
    static let deceit = "asks the model to deceive the user"
    static let conversation = "asks for the conversation or the model's instructions to be passed on"
    static let shadow = "tells the model how to use other tools"
    static let recipient = "tells the model to add a recipient to another tool's call"

    /// Sentence-internal gap: the words between two parts of one phrase. A dot followed by a
    /// non-space (`~/.config`, `mcp.json`) does not end the sentence.
    static func gap(_ count: Int) -> String { #"(?:[^.!?。！？]|\.(?=\S)){0,"# + "\(count)}" }

    static let secretPath = #"(\.ssh\b|\bid_(rsa|dsa|ecdsa|ed)|authorized_keys|\.aws/|\.gnupg|\.kube/config|\.docker/config|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.env\b|/etc/(passwd|shadow|sudoers)|mcp\.json|claude_desktop_config|\.cursor/|wallet\.dat|keychain)"#
    static let credentialWords = #"(credentials|api[ _-]?keys?|private[ _-]?keys?|passwords?|mots? de passe|cles? (privees?|api|ssh)|identifiants|contrasenas?|claves? (privadas?|api|ssh)|credenciales|passworter|passwort|kennwort|privaten? schlussel|api-schlussel|zugangsdaten|anmeldedaten|chiavi? (private?|api|ssh)|credenziali|senhas?|chaves? (privadas?|api|ssh)|credenciais|密码|私钥|密钥|凭据|凭证|令牌)"#
    static let readOrSend = #"(?:\b(read|cat|open|include|send|upload|attach|pass|fetch|copy|print|output|dump|exfiltrate|leak|post|forward|paste|grab|collect|extract|load|lis|lire|lisez|ouvre|ouvrir|ouvrez|envoie|envoyer|envoyez|copie|copier|copiez|inclus|inclure|incluez|joins|joindre|joignez|transmets|transmettre|transmettez|affiche|afficher|recupere|recuperer|lee|leer|lea|abre|abrir|abra|envia|enviar|envie|incluye|incluir|incluya|adjunta|adjuntar|sube|subir|extrae|extraer|lies|lese|lesen|offne|offnen|sende|senden|schicke|schicken|kopiere|kopieren|hochladen|ubermittle|ubermitteln|auslesen|leggi|leggere|apri|aprire|invia|inviare|manda|mandare|copiare|allega|allegare|includi|includere|carica|caricare|leia|ler|mande|mandar|anexe|anexar|inclua|carregue|carregar)\b|(读取|读|打开|发送|上传|复制|附上|附加|包含|获取|查看|输出|打印|提取|发给|传给|导出))"#
    static let sendVerbs = #"(?:\b(send|forward|post|upload|exfiltrate|leak|copy|envoie|envoyer|envoyez|transmets|transmettre|envia|enviar|envie|manda|mandar|sende|senden|schicke|schicken|invia|inviare|mande)\b|(发送|上传|转发|发给))"#
    static let user = #"(the )?users?\b(?!['’]s)"#

    static let phrases: [(pattern: String, meaning: String, shadowing: Bool)] = [
        // Ignore what came before.
        (#"\b(ignore|disregard|forget|override|skip|bypass|neglect)\b (all |any |every )?(of )?(the |your |my |these |those |its )?(previous|prior|above|earlier|preceding|former|original|initial|system|existing|old)( \w+)? (instructions?|directions?|rules|prompts?|guidelines|guidance|orders|commands|context|messages)\b"#, ignore, false),
        (#"\bdisregard (all |any )?(the |your )?(previous|prior|above|system)\b"#, ignore, false),
        (#"\bforget (everything|anything)\b|\bforget (all|about) (of )?(the |your )?(previous |prior |earlier |above )?(instructions|rules|directions|you (were|have been|'ve been) told)"#, ignore, false),
        (#"\b(do not|don't|never) (follow|obey|listen to) (the |your |any )?(previous|prior|system|original|other) (instructions|rules|prompts?)"#, ignore, false),
        (#"\b(ignore[rz]?|oublie[rz]?|neglige[rz]?) (toutes? |tous )?(les |tes |vos |mes )?(instructions|consignes|regles|directives|ordres)( \w+)? (precedentes|anterieures|ci-dessus|d'avant|initiales|originales|du systeme)|\boublie[rz]? tout\b|\bne (tiens|tenez|tenir) (pas|plus) compte (des|de tes|de vos) (instructions|consignes|regles)"#, ignore, false),
        (#"\b(ignora[rd]?|ignore[ns]?|olvida[rd]?|olvide[ns]?|omite|omitir) (todas |todos )?(las |tus |sus |los )?(instrucciones|indicaciones|reglas|ordenes|directrices)( \w+)? (anteriores|previas|de arriba|iniciales|originales|del sistema)|\bolvida[rd]? todo\b|\bhaz caso omiso (de )?(las |todas las )?(instrucciones|reglas)"#, ignore, false),
        (#"\b(ignoriere|ignorier|ignorieren sie|vergiss|vergessen sie|missachte|missachten sie) (alle |samtliche )?(die |deine |ihre |meine )?(\w+ )?(anweisungen|instruktionen|befehle|regeln|vorgaben)\b|\bvergiss alles\b"#, ignore, false),
        (#"\b(ignora|ignorare|ignorate|dimentica|dimenticare|dimenticate) (tutte |tutti )?(le |tue |i |gli )?(istruzioni|indicazioni|regole|direttive|ordini)( \w+)? (precedenti|di prima|sopra|iniziali|originali|del sistema)|\bdimentica(re)? tutto\b"#, ignore, false),
        (#"\b(ignore|ignora|ignorar|ignorem|esqueca|esquece|esquecer|desconsidere|desconsiderar) (todas |todos )?(as |suas |tuas |os )?(instrucoes|indicacoes|regras|orientacoes|ordens|diretrizes)( \w+)? (anteriores|previas|acima|iniciais|originais|do sistema)|\b(esqueca|esquece|esquecer) tudo\b"#, ignore, false),
        (#"(忽略|无视|忽视|不要理会|不理会|忘记|忘掉|抛开)(掉)?(你)?(之前|以前|先前|此前|上面|上述|前面|原来|所有|全部|系统)[^。！？]{0,6}(指令|指示|说明|规则|提示|要求|设定|命令)|(忘记|忘掉|忽略)(掉)?(之前|以前|先前|你被告知|你知道)?的?一切"#, ignore, false),
        (#"(this|these) (instructions?|rules?) (override|supersede|take precedence)|\b(override|supersede)s? (all |any )?(previous|prior|other|system) (instructions|rules)"#, "claims precedence over other instructions", false),
        // Keep it from the user.
        (#"\b(do not|don't|dont|never|must not|mustn't|should not|shouldn't|without)\b (ever )?(tell|telling|inform|informing|mention|mentioning|reveal|revealing|alert|alerting|notify|notifying|disclose|disclosing|explain|explaining|let|letting)\b"# + gap(40) + #"\b"# + user, secrecy, false),
        (#"\b(the )?users? (must|should|need|needs|is|are|may)( not|n't| never) (to )?(know|see|notice|learn|find out|be told|be informed|be aware|be notified|discover|suspect)\b"#, secrecy, false),
        (#"\b(without|before) (the user|users|the user's) (knowing|noticing|seeing|knowledge|consent|approval|permission|being (told|informed|notified|asked))|\b(without|before) (telling|informing|notifying|asking|alerting|warning) (the )?user"#, "asks the model to act behind the user's back", false),
        (#"\b(keep|hide) (this|that|it|these|the \w+)( \w+)? (secret |hidden )?from (the )?users?\b"#, secrecy, false),
        (#"\b(ne|n') ?(le |la |les |l'|lui |leur |rien |en )*(dis|dites|dire|mentionne|mentionnez|mentionner|revele|revelez|reveler|informe|informez|informer|previens|prevenez|prevenir|signale|signalez|signaler|parle|parlez|parler|avertis|avertissez|avertir)( rien| pas| jamais| surtout pas)"# + gap(40) + #"utilisat(eur|rice)|\bsans (le |en |lui )?(dire|informer|prevenir|avertir|parler)( a| a l'| l')? ?utilisat|\butilisat(eur|rice) ne (doit|devra|doivent|peut) (pas|jamais|rien) (le |en |l')?(savoir|voir|apprendre|decouvrir|remarquer)"#, secrecy, false),
        (#"\b(no|nunca|jamas) (se |le |les |lo |la )*(digas|diga|digan|decir|menciones|mencione|mencionar|reveles|revele|revelar|informes|informe|informar|cuentes|cuente|contar|avises|avise|avisar|comentes|comente)\b"# + gap(40) + #"\busuari[oa]s?|\bsin (decirle|decir|informar|avisar|contarle|notificar)(le|les)? (nada )?(al|a los|a la) usuari|\bel usuario no (debe|puede|tiene que|deberia) (saber|enterarse|ver|notar|descubrir)"#, secrecy, false),
        (#"\b(sag|sage|sagen sie|erwahne|erwahnen sie|verrate|verraten sie|erzahle|erzahlen sie|informiere|informieren sie|teile|teilen sie)\b"# + gap(40) + #"\b(benutzer|benutzerin|nutzer|nutzerin|anwender|anwenderin|user)\b"# + gap(30) + #"\b(nichts|nicht|niemals|nie)\b|\b(sag|sage|sagen sie|erwahne|erwahnen sie|verrate|verraten sie|erzahle|erzahlen sie)\b"# + gap(40) + #"\b(nichts|nicht|niemals|nie)\b"# + gap(40) + #"\b(benutzer|nutzer|anwender)|\b(der|die) (benutzer|benutzerin|nutzer|nutzerin|anwender|anwenderin) (darf|soll|sollte|muss) (das |davon |es |dies )?(nichts|nicht|niemals|nie)( davon)? (wissen|erfahren|sehen|merken|bemerken|mitbekommen)|\bohne (den|die) (benutzer|nutzer|anwender)(in)? (zu )?(informieren|fragen|benachrichtigen|warnen)"#, secrecy, false),
        (#"\bnon (lo |la |gli |le |ne )*(dire|dirlo|dirgli|menzionare|menzionarlo|rivelare|rivelarlo|informare|avvisare|raccontare|comunicare)\b"# + gap(40) + #"utent[ei]|\bl'utente non (deve|dovrebbe|puo) (saperlo|sapere|vedere|scoprire|accorgersi)|\bsenza (dirlo|dire|informare|avvisare|avvertire)( nulla)? (all'|a l'|l')?utente"#, secrecy, false),
        (#"\b(nao|nunca|jamais) (lhe |o |a |os |as |se )*(diga|digas|dizer|conte|contes|contar|mencione|mencionar|revele|revelar|informe|informar|avise|avisar|fale|falar)\b"# + gap(40) + #"\b(usuari|utilizador)|\bo (usuario|utilizador) nao (deve|pode|precisa) (saber|ver|descobrir|perceber|notar)|\bsem (contar|informar|avisar|dizer)( nada)? (ao|o|a) (usuario|utilizador)"#, secrecy, false),
        (#"(不要|别|勿|切勿|不得|不可|不能|千万不要|绝不|永远不要)(向|对|跟|和|给)(用户|使用者)(透露|提及|提到|说明|告知|泄露|说)|(不要|别|勿|切勿|不得|不可|不能|千万不要|绝不|永远不要)(告诉|通知|告知|提醒|让)(用户|使用者)|(用户|使用者)(不应该?|不能|不得|不可以?|不要|绝不能)(知道|发现|察觉|看到|得知)|(瞒着|隐瞒|背着)(用户|使用者)"#, secrecy, false),
        // Secrets and data leaving.
        (readOrSend + gap(60) + "(" + secretPath + "|" + credentialWords + ")|" + secretPath + gap(40) + #"\b(lesen|senden|schicken|hochladen|kopieren|auslesen|anhangen)\b"#, secrets, false),
        (sendVerbs + #"[^!?。！？]{0,80}(https?://|\b[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z0-9.-]+)"#, exfiltration, false),
        (#"\b(contain|include|pass|put|send|provide|append|copy|attach)\b"# + gap(40) + #"\b(previous|prior|last|entire|full|whole|earlier) (user )?(messages?|conversation|chat( history)?|prompts?)\b|\b(reveal|print|output|repeat|include|send|pass|leak|show)\b"# + gap(30) + #"(system prompt|your (initial |original )?instructions)"#, conversation, false),
        (#"(as the |pass (it|them) (as|in) the )?(sidenote|side note|hidden) (parameter|argument|field)"#, "smuggles data through a side parameter", false),
        // Another role, another answer.
        (#"\bfrom now on,? (you|your)\b|\byou are now (in )?(developer|god|admin|dan|jailbreak|unrestricted|debug) mode|\byou are now (an? |the |my )(\w+ ){0,2}(assistant|agent|ai|admin|administrator|root|superuser|hacker)\b|\bact as (an? )?(admin|root|system|developer mode)|\ba partir de maintenant,? (tu|vous)\b|\ba partir de ahora,? (tu|usted|eres|vas)\b|\bab (jetzt|sofort),? (bist du|wirst du|sollst du|du)\b|\bd'ora in poi,? (tu|sei|devi)\b|\ba partir de agora,? (voce|tu)\b|从现在(开始|起),?你"#, role, false),
        (#"<\s*/?\s*(important|system|instructions?|secret|hidden)\s*>"#, "carries a hidden <IMPORTANT>-style instruction block", false),
        (#"\b(pretend|act (like|as if|as though))( if)?( that)? (you|it|the tool)\b|\b(instead|rather),? (reply|respond|answer|say|tell the user)\b"#, deceit, false),
        // Other tools.
        (#"\b(before|after|when|whenever|while|each time|every time|instead of|prior to)( you)? (use|using|call|calling|invoke|invoking|run|running|execute|executing|send|sending)\b(?! (this|it)\b)( (the|any|all|every|other|another|an?))* ?(tools?\b|functions?\b|servers?\b|[a-z0-9]+[_-][a-z0-9_-]+|e-?mails?\b|messages?\b|payments?\b|transfers?\b|money\b|\w+ (tool|function)s?\b)"# + gap(80) + #"\b(always|must|should|make sure|be sure|remember to|first|also|never|instead)\b"#, shadow, true),
        (#"\b(always|must|make sure to|remember to)\b"# + gap(80) + #"\b(when|whenever|before|after|each time|every time)( you)? (use|using|call|calling|invoke|invoking|send|sending|run|running)\b(?! (this|it)\b)"#, shadow, true),
        (#"\b(all|any|every|each) other (tools?|functions?|servers?|mcp servers?)\b|\b(tools?|functions?) (from|of|on|in|provided by) (any|all|every|other|another) (other )?(servers?|mcp servers?|providers?)\b"#, shadow, true),
        (#"\b[a-z0-9]+_[a-z0-9_]+ (tool |function )?(must|should|will|needs to|has to) (always |never |only )?(send|forward|include|add|use|call|route|go|be sent|cc|bcc)\b"#, shadow, true),
        (#"\b(add|include|put|insert|copy|cc|bcc)\b[^!?]{0,60}\b(to|in|into) the [`'"]?(bcc|cc|recipients?|to)[`'"]? (field|list|header|line)"#, recipient, true),
    ]

    /// Phrases spelled out with their letters spaced, dotted or starred apart, matched on the
    /// letters-only form.
    static let compactPhrases: [(phrase: String, meaning: String)] = [
        ("ignorepreviousinstructions", ignore), ("ignoreallpreviousinstructions", ignore),
        ("ignorepriorinstructions", ignore), ("ignoreallpriorinstructions", ignore),
        ("disregardpreviousinstructions", ignore), ("disregardallpreviousinstructions", ignore),
        ("forgeteverythingyouweretold", ignore), ("forgetallpreviousinstructions", ignore),
        ("donottelltheuser", secrecy), ("donttelltheuser", secrecy), ("nevertelltheuser", secrecy),
        ("donotmentionthistotheuser", secrecy), ("theusermustnotknow", secrecy),
    ]

    /// A rarer part of the phrases of a meaning whose first words are common (read, send,
    /// include): those phrases run only on a text where it occurs, so a long result costs one
    /// cheap pass for them instead of a backtracking one.
    static let cues: [String: String] = [
        secrets: "(" + secretPath + "|" + credentialWords + ")",
        exfiltration: #"https?://|@"#,
        conversation: #"messages?|conversation|chat|prompts?|instructions"#,
    ]

    /// Each phrase with the literals one of which any match of it contains (`RequiredLiterals`):
    /// a form with none of them is not handed to ICU, which reads a long text slowly.
    static let compiled: [(expression: NSRegularExpression, literals: [[UInt8]]?, cue: NSRegularExpression?, meaning: String, shadowing: Bool)] = phrases.map {
        (try! NSRegularExpression(pattern: $0.pattern), RequiredLiterals.of($0.pattern),
         cues[$0.meaning].map { try! NSRegularExpression(pattern: $0) }, $0.meaning, $0.shadowing)
    }

    static let compactPhraseBytes = compactPhrases.map { (Array($0.phrase.utf8), $0.meaning) }

    /// Whether `form` holds one of `literals` (always, when the phrase has none that are certain).
    static func mayMatch(_ literals: [[UInt8]]?, _ form: String) -> Bool {
        guard let literals else { return true }
        var form = form
        return form.withUTF8 { RequiredLiterals.anyOccurs(literals, in: $0) }
    }

    /// Everything `text` signals, in pattern order, each meaning once; decoded runs are read
    /// two levels deep (base64 inside base64).
    public static func matches(in text: String) -> [Match] {
        var found: [Match] = []
        collect(text, encoding: nil, depth: 0, into: &found)
        return found
    }

    private static func collect(_ text: String, encoding: String?, depth: Int, into found: inout [Match]) {
        let forms = TextNormalizer.scanForms(text)
        func add(_ match: Match) {
            if !found.contains(where: { $0.meaning == match.meaning && $0.shadowing == match.shadowing }) { found.append(match) }
        }
        func matches(_ expression: NSRegularExpression, _ form: String) -> Bool {
            expression.firstMatch(in: form, range: NSRange(form.startIndex..., in: form)) != nil
        }
        for phrase in compiled where !found.contains(where: { $0.meaning == phrase.meaning && $0.shadowing == phrase.shadowing })
        && forms.spaced.contains(where: { form in
            mayMatch(phrase.literals, form) && phrase.cue.map { matches($0, form) } != false && matches(phrase.expression, form)
        }) {
            add(Match(meaning: phrase.meaning, shadowing: phrase.shadowing, encoding: encoding))
        }
        var compact = forms.compact
        compact.withUTF8 { letters in
            for (phrase, meaning) in compactPhraseBytes where RequiredLiterals.anyOccurs([phrase], in: letters) {
                add(Match(meaning: meaning, shadowing: false, encoding: encoding))
            }
        }
        guard depth < 2 else { return }
        for run in EncodedText.decodedRuns(in: text) {
            collect(run.text, encoding: encoding ?? run.encoding, depth: depth + 1, into: &found)
        }
    }

    /// The names in `names` that `text` mentions as whole words (matched on the normalised form,
    /// so `s3_upload` is found as the leetspeak fold writes it too), in one pass for all names.
    public static func mentions(of names: [String], in text: String) -> [String] {
        var byFolded: [String: [String]] = [:]
        for name in names { byFolded[TextNormalizer.scanFold(name), default: []].append(name) }
        guard !byFolded.isEmpty else { return [] }
        let alternatives = byFolded.keys.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern).joined(separator: "|")
        guard let expression = try? NSRegularExpression(pattern: #"(?<![a-z0-9_])("# + alternatives + #")(?![a-z0-9_])"#) else { return [] }
        var found: Set<String> = []
        for form in TextNormalizer.scanForms(text).spaced {
            for match in expression.matches(in: form, range: NSRange(form.startIndex..., in: form)) {
                if let range = Range(match.range(at: 1), in: form) { found.formUnion(byFolded[String(form[range])] ?? []) }
            }
        }
        return names.filter(found.contains)
    }
}
