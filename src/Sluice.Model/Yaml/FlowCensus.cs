namespace Sluice.Model.Yaml;

/// <summary>
/// A quick count of the entries of flow collections (<c>[a, b]</c>, <c>{a: 1}</c>) in YAML text, without parsing it:
/// the nodes a list written on one line can hold in a few megabytes take the parser seconds to read, and this
/// finds them in milliseconds. The count only grows where a node inside a flow collection surely begins (a bracket,
/// a quote, an alias or plain text after a ',' or ':', outside quotes, comments, block scalars and plain text), once
/// a node, so it never exceeds the document's real number of nodes; whatever it cannot tell apart it leaves out,
/// and the parser's own count decides.
/// </summary>
internal sealed class FlowCensus
{
    private const int None = int.MinValue;

    private readonly string _text;
    private readonly int _limit;
    private readonly Stack<int> _open = new();
    private int _position;
    private int _lineStart;
    private int _count;
    private bool _nodeStart = true;
    private bool _inPlain;

    // Block context: the indentation of the collection that holds the current node (-1 for the document), and
    // the column where the current node began, with its anchor or tag.
    private int _parentIndent = -1;
    private int _nodeColumn = None;

    // Lines indented more than these go on a plain scalar or hold a block scalar's text.
    private int _continuation = None;
    private int _blockScalar = None;

    private FlowCensus(string text, int limit)
    {
        _text = text;
        _limit = limit;
    }

    /// <summary>
    /// Where the innermost open flow collection starts when one document's count passes <paramref name="limit"/>,
    /// as an index into <paramref name="text"/>; -1 when it never does.
    /// </summary>
    public static int FindOverflow(string text, int limit) => new FlowCensus(text, limit).Run();

    private int Run()
    {
        var atLineStart = true;
        while (_position < _text.Length)
        {
            if (atLineStart)
            {
                atLineStart = false;
                if (_open.Count == 0 && SkipBlockLine())
                {
                    atLineStart = true;
                    continue;
                }
            }

            var c = _text[_position];
            if (c is '\n' or '\r')
            {
                EndLine();
                atLineStart = true;
                continue;
            }

            if (c is ' ' or '\t')
            {
                _position++;
            }
            else if (c == '#' && (_position == 0 || IsSpaceOrBreak(_text[_position - 1])))
            {
                _position = EndOfLine(_position);
            }
            else if (_nodeStart ? !NodeStart(c) : !InsideNode(c))
            {
                return -1;
            }

            if (_count > _limit)
            {
                return _open.Peek();
            }
        }

        return -1;
    }

    /// <summary>At the start of a line in block context: skips it when it is blank, a comment, block scalar text or plain text going on; true when it did.</summary>
    private bool SkipBlockLine()
    {
        var indent = 0;
        while (_position + indent < _text.Length && _text[_position + indent] == ' ')
        {
            indent++;
        }

        var first = _position + indent;
        var blank = first >= _text.Length || _text[first] is '\n' or '\r';
        var marker = indent == 0 && IsDocumentMarker(first);
        if (_blockScalar != None && !marker && (blank || indent > _blockScalar))
        {
            _position = NextLine(_position);
            return true;
        }

        _blockScalar = None;
        if (blank || _text[first] == '#' || (_continuation != None && !marker && indent > _continuation))
        {
            _position = NextLine(_position);
            return true;
        }

        _continuation = None;
        _nodeStart = true;
        _inPlain = false;
        _nodeColumn = None;
        _lineStart = _position;
        _position = first;
        if (marker)
        {
            // A new document: its count starts afresh, and its root belongs to no collection.
            _count = 0;
            _parentIndent = -1;
            _position += 3;
        }

        return false;
    }

    /// <summary>A character where a node may begin; false when the text ends inside a quoted scalar.</summary>
    private bool NodeStart(char c)
    {
        var next = _position + 1 < _text.Length ? _text[_position + 1] : '\n';
        var flow = _open.Count > 0;
        switch (c)
        {
            case '"' or '\'':
                Begin();
                Count(flow);
                _position = c == '"' ? EndOfDoubleQuoted(_position) : EndOfSingleQuoted(_position);
                _nodeStart = false;
                return _position > 0;
            case '[' or '{':
                Begin();
                Open();
                return true;
            case ']' or '}' or ',' when flow:
                return InsideNode(c);
            case '&' or '!':
                Begin();
                _position = EndOfToken(_position);
                return true;
            case '*':
                Begin();
                Count(flow);
                _position = EndOfToken(_position);
                _nodeStart = false;
                return true;
            case '|' or '>' when !flow:
                // A block scalar's text is the lines indented more than the collection that holds it.
                _blockScalar = _parentIndent;
                _position = EndOfLine(_position);
                _nodeStart = false;
                return true;
            case '?' or ':' when IsSpaceOrBreak(next) || (flow && next is ',' or ']' or '}'):
            case '-' when !flow && IsSpaceOrBreak(next):
                if (!flow)
                {
                    _parentIndent = _position - _lineStart;
                    _nodeColumn = None;
                }

                _position++;
                return true;
            default:
                Begin();
                Count(flow);
                _position++;
                _nodeStart = false;
                _inPlain = true;
                return true;
        }
    }

    /// <summary>Notes the column where a node begins (its anchor or tag first), which is its mapping's if it is a key.</summary>
    private void Begin()
    {
        if (_nodeColumn == None)
        {
            _nodeColumn = _position - _lineStart;
        }
    }

    /// <summary>A character inside or after a node.</summary>
    private bool InsideNode(char c)
    {
        var next = _position + 1 < _text.Length ? _text[_position + 1] : '\n';
        if (_open.Count == 0)
        {
            if (c == ':' && IsSpaceOrBreak(next))
            {
                // A key: the mapping is as indented as the key begins.
                _parentIndent = _nodeColumn != None ? _nodeColumn : _position - _lineStart;
                _nodeColumn = None;
                _nodeStart = true;
                _inPlain = false;
            }

            _position++;
            return true;
        }

        switch (c)
        {
            case ',':
                _nodeStart = true;
                break;
            case '[' or '{':
                Open();
                return true;
            case ']' or '}':
                _open.Pop();
                _nodeStart = false;
                break;
            case ':' when IsSpaceOrBreak(next) || next is ',' or '[' or ']' or '{' or '}' or '"' or '\'' || (_position > 0 && _text[_position - 1] is '"' or '\''):
                _nodeStart = true;
                break;
        }

        _inPlain = false;
        _position++;
        return true;
    }

    /// <summary>A node begins: it counts when it is inside a flow collection.</summary>
    private void Count(bool flow)
    {
        if (flow)
        {
            _count++;
        }
    }

    private void Open()
    {
        _open.Push(_position);
        _count++;
        _nodeStart = true;
        _inPlain = false;
        _position++;
    }

    private void EndLine()
    {
        if (_open.Count == 0)
        {
            // Plain text goes on over the lines indented more than the collection that holds it.
            _continuation = _inPlain ? _parentIndent : None;
            _inPlain = false;
        }

        _position = NextLine(_position);
    }

    private bool IsDocumentMarker(int index) =>
        index + 3 <= _text.Length
        && (_text.AsSpan(index, 3) is "---" or "...")
        && (index + 3 == _text.Length || IsSpaceOrBreak(_text[index + 3]));

    private int EndOfLine(int index)
    {
        var end = _text.AsSpan(index).IndexOfAny('\n', '\r');
        return end < 0 ? _text.Length : index + end;
    }

    private int NextLine(int index)
    {
        var end = EndOfLine(index);
        if (end < _text.Length && _text[end] == '\r' && end + 1 < _text.Length && _text[end + 1] == '\n')
        {
            end++;
        }

        return Math.Min(end + 1, _text.Length);
    }

    /// <summary>The index after an anchor, alias or tag.</summary>
    private int EndOfToken(int index)
    {
        var end = index + 1;
        while (end < _text.Length && !IsSpaceOrBreak(_text[end]) && (_open.Count == 0 || _text[end] is not (',' or '[' or ']' or '{' or '}')))
        {
            end++;
        }

        return end;
    }

    /// <summary>The index after the closing quote, or -1 when there is none.</summary>
    private int EndOfDoubleQuoted(int index)
    {
        for (var i = index + 1; i < _text.Length; i++)
        {
            if (_text[i] == '\\')
            {
                i++;
            }
            else if (_text[i] == '"')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>The index after the closing quote (a doubled '' is an escaped quote), or -1 when there is none.</summary>
    private int EndOfSingleQuoted(int index)
    {
        for (var i = index + 1; i < _text.Length; i++)
        {
            if (_text[i] != '\'')
            {
                continue;
            }

            if (i + 1 < _text.Length && _text[i + 1] == '\'')
            {
                i++;
                continue;
            }

            return i + 1;
        }

        return -1;
    }

    private static bool IsSpaceOrBreak(char c) => c is ' ' or '\t' or '\n' or '\r';
}
