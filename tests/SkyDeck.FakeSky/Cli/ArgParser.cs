using System.Globalization;

namespace SkyDeck.FakeSky.Cli;

/// <summary>
/// Parses argv the way Click does for a SkyPilot subcommand: options may be interspersed with positional
/// arguments, <c>--</c> ends option parsing, long options accept <c>--opt=value</c>, short flags can be
/// combined (<c>-yd</c>) and a short option can carry its value (<c>-cmycluster</c>). Spellings such as
/// <c>-no-d</c> are matched whole before being split into short options, as in Click.
/// </summary>
internal static class ArgParser
{
    public static ParsedArgs Parse(CommandSpec spec, IReadOnlyList<string> tokens)
    {
        var byName = new Dictionary<string, OptionSpec>(StringComparer.Ordinal);
        foreach (var option in spec.OptionsWithHelp)
        {
            foreach (var name in option.AllNames)
            {
                byName[name] = option;
            }
        }

        var values = new Dictionary<string, List<string>>();
        var flags = new Dictionary<string, bool>();
        var positionals = new List<string>();
        var help = false;

        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i++];
            if (token == "--")
            {
                positionals.AddRange(tokens.Skip(i));
                break;
            }

            if (token.Length < 2 || token[0] != '-')
            {
                positionals.Add(token);
                continue;
            }

            var (name, attached) = SplitAttachedValue(token);
            if (byName.TryGetValue(name, out var whole))
            {
                if (whole.Arity == OptionArity.Flag)
                {
                    if (attached is not null)
                    {
                        throw UsageException.For(spec, $"Option '{name}' does not take a value.");
                    }

                    SetFlag(whole, name);
                }
                else
                {
                    Store(whole, name, attached ?? TakeValue(name));
                }

                continue;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                throw UsageException.For(spec, $"No such option: {name}");
            }

            // A cluster of short options: every char is a flag until one takes a value,
            // which is the rest of the token or the next token.
            for (var j = 1; j < token.Length; j++)
            {
                var shortName = "-" + token[j];
                if (!byName.TryGetValue(shortName, out var option))
                {
                    throw UsageException.For(spec, $"No such option: {shortName}");
                }

                if (option.Arity == OptionArity.Flag)
                {
                    SetFlag(option, shortName);
                    continue;
                }

                var rest = token[(j + 1)..];
                Store(option, shortName, rest.Length > 0 ? rest : TakeValue(shortName));
                break;
            }
        }

        if (!help)
        {
            ValidateArguments(spec, positionals);
        }

        return new ParsedArgs(
            values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value),
            flags,
            positionals,
            help);

        string TakeValue(string optionName)
        {
            if (i >= tokens.Count)
            {
                throw UsageException.For(spec, $"Option '{optionName}' requires an argument.");
            }

            return tokens[i++];
        }

        void SetFlag(OptionSpec option, string usedName)
        {
            if (option == CommandSpec.HelpOption)
            {
                help = true;
                return;
            }

            flags[option.Key] = !option.OffNames.Contains(usedName);
        }

        void Store(OptionSpec option, string usedName, string value)
        {
            Validate(spec, option, value);
            if (!values.TryGetValue(option.Key, out var list))
            {
                values[option.Key] = list = [];
            }

            if (option.Arity == OptionArity.Single)
            {
                list.Clear();
            }

            list.Add(value);
        }
    }

    private static (string Name, string? Value) SplitAttachedValue(string token)
    {
        var eq = token.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? (token[..eq], token[(eq + 1)..]) : (token, null);
    }

    private static void Validate(CommandSpec spec, OptionSpec option, string value)
    {
        if (option.IsInteger && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw UsageException.For(spec, $"Invalid value for {option.ErrorName}: '{value}' is not a valid integer.");
        }

        if (option.Choices is { } choices && !choices.Contains(value))
        {
            var allowed = string.Join(", ", choices.Select(c => $"'{c}'"));
            throw UsageException.For(spec, $"Invalid value for {option.ErrorName}: '{value}' is not one of {allowed}.");
        }
    }

    private static void ValidateArguments(CommandSpec spec, List<string> positionals)
    {
        var index = 0;
        foreach (var argument in spec.Arguments)
        {
            var taken = argument.Variadic ? positionals.Skip(index).ToList() : positionals.Skip(index).Take(1).ToList();
            if (taken.Count == 0 && argument.Required)
            {
                throw UsageException.For(spec, $"Missing argument '{argument.Name}'.");
            }

            foreach (var value in taken.Where(_ => argument.IsInteger))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw UsageException.For(spec, $"Invalid value for '{argument.UsageText}': '{value}' is not a valid integer.");
                }
            }

            index += taken.Count;
        }

        if (index < positionals.Count)
        {
            var extra = positionals.Skip(index).ToList();
            var noun = extra.Count == 1 ? "argument" : "arguments";
            throw UsageException.For(spec, $"Got unexpected extra {noun} ({string.Join(' ', extra)})");
        }
    }
}
