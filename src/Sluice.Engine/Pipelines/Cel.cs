using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Sluice.Model.Pipelines;

namespace Sluice.Engine.Pipelines;

/// <summary>
/// The subset of CEL that <c>when</c> guards use once variables are substituted: string, integer and
/// boolean literals, lists, <c>== != &lt; &lt;= &gt; &gt;= in ! &amp;&amp; ||</c>, parentheses, and the
/// string methods <c>startsWith</c>, <c>endsWith</c>, <c>contains</c>, <c>matches</c> and <c>size()</c>.
/// </summary>
public static class Cel
{
    /// <summary>Evaluates every CEL guard.</summary>
    /// <exception cref="CelEvaluationException">An expression does not parse or is not a boolean.</exception>
    public static IReadOnlyDictionary<string, bool>? Evaluate(ImmutableArray<WhenExpression> expressions)
    {
        Dictionary<string, bool>? results = null;
        foreach (var when in expressions)
        {
            if (when.Cel is not { } expression)
            {
                continue;
            }

            results ??= new Dictionary<string, bool>(StringComparer.Ordinal);
            object value;
            try
            {
                var parser = new Parser(expression);
                value = parser.ParseExpression();
                parser.ExpectEnd();
            }
            catch (FormatException e)
            {
                throw new CelEvaluationException($"failed to evaluate the CEL expression {expression}: {e.Message}");
            }

            results[expression] = value is bool b
                ? b
                : throw new CelEvaluationException($"The CEL expression {expression} is not evaluated to a boolean");
        }

        return results;
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public object ParseExpression()
        {
            var left = ParseAnd();
            while (Accept("||"))
            {
                var right = ParseAnd();
                left = AsBool(left) || AsBool(right);
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position < text.Length)
            {
                throw new FormatException($"unexpected '{text[_position..]}'");
            }
        }

        private object ParseAnd()
        {
            var left = ParseComparison();
            while (Accept("&&"))
            {
                var right = ParseComparison();
                left = AsBool(left) && AsBool(right);
            }

            return left;
        }

        private object ParseComparison()
        {
            var left = ParseUnary();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">", "in" })
            {
                if (Accept(op))
                {
                    var right = ParseUnary();
                    return op switch
                    {
                        "==" => Equal(left, right),
                        "!=" => !Equal(left, right),
                        "in" => right is List<object> list ? list.Any(item => Equal(item, left)) : throw new FormatException("'in' needs a list"),
                        _ => Compare(op, left, right),
                    };
                }
            }

            return left;
        }

        private object ParseUnary()
        {
            if (Accept("!"))
            {
                return !AsBool(ParseUnary());
            }

            if (Accept("-"))
            {
                return -(long)ParseUnary();
            }

            var value = ParsePrimary();
            while (Accept("."))
            {
                var method = ReadIdentifier();
                Expect("(");
                var argument = ParseExpression();
                Expect(")");
                var target = value as string ?? throw new FormatException($"{method} needs a string");
                var arg = argument as string ?? throw new FormatException($"{method} needs a string argument");
                value = method switch
                {
                    "startsWith" => target.StartsWith(arg, StringComparison.Ordinal),
                    "endsWith" => target.EndsWith(arg, StringComparison.Ordinal),
                    "contains" => target.Contains(arg, StringComparison.Ordinal),
                    "matches" => System.Text.RegularExpressions.Regex.IsMatch(target, arg, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)),
                    _ => throw new FormatException($"unknown method {method}"),
                };
            }

            return value;
        }

        private object ParsePrimary()
        {
            SkipSpace();
            if (_position >= text.Length)
            {
                throw new FormatException("unexpected end of expression");
            }

            var c = text[_position];
            if (c == '(')
            {
                _position++;
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }

            if (c == '[')
            {
                _position++;
                var items = new List<object>();
                if (!Accept("]"))
                {
                    do
                    {
                        items.Add(ParseExpression());
                    }
                    while (Accept(","));
                    Expect("]");
                }

                return items;
            }

            if (c is '\'' or '"')
            {
                return ReadString(c);
            }

            if (char.IsAsciiDigit(c))
            {
                var start = _position;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }

                return long.Parse(text.AsSpan(start, _position - start), CultureInfo.InvariantCulture);
            }

            var identifier = ReadIdentifier();
            if (identifier == "size")
            {
                Expect("(");
                var argument = ParseExpression();
                Expect(")");
                return argument switch
                {
                    string s => (long)s.Length,
                    List<object> l => (long)l.Count,
                    _ => throw new FormatException("size needs a string or list"),
                };
            }

            return identifier switch
            {
                "true" => true,
                "false" => false,
                _ => throw new FormatException($"undeclared reference to '{identifier}'"),
            };
        }

        private string ReadString(char quote)
        {
            _position++;
            var builder = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] == '\\' && _position + 1 < text.Length)
                {
                    _position++;
                    builder.Append(text[_position] switch { 'n' => '\n', 't' => '\t', var other => other });
                }
                else
                {
                    builder.Append(text[_position]);
                }

                _position++;
            }

            if (_position >= text.Length)
            {
                throw new FormatException("unterminated string");
            }

            _position++;
            return builder.ToString();
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return start == _position ? throw new FormatException($"unexpected '{(start < text.Length ? text[start] : ' ')}'") : text[start.._position];
        }

        private bool Accept(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0)
            {
                return false;
            }

            if (token == "in" && _position + 2 < text.Length && char.IsAsciiLetterOrDigit(text[_position + 2]))
            {
                return false;
            }

            if (token is "<" or ">" or "!" && _position + 1 < text.Length && text[_position + 1] == '=')
            {
                return false;
            }

            _position += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new FormatException($"expected '{token}'");
            }
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private static bool AsBool(object value) => value as bool? ?? throw new FormatException("expected a boolean");

        private static bool Equal(object a, object b) => a switch
        {
            List<object> la when b is List<object> lb => la.Count == lb.Count && la.Zip(lb).All(x => Equal(x.First, x.Second)),
            _ => a.Equals(b),
        };

        private static bool Compare(string op, object a, object b)
        {
            var order = (a, b) switch
            {
                (long x, long y) => x.CompareTo(y),
                (string x, string y) => string.CompareOrdinal(x, y),
                _ => throw new FormatException("cannot compare these values"),
            };
            return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
        }
    }
}

/// <summary>A CEL guard does not parse or does not give a boolean; the PipelineRun fails with <c>CELEvaluationFailed</c>.</summary>
public sealed class CelEvaluationException : Exception
{
    /// <summary>Makes the exception.</summary>
    public CelEvaluationException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception.</summary>
    public CelEvaluationException()
    {
    }

    /// <summary>Makes the exception.</summary>
    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
