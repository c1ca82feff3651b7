using SharpParty.Web.Browse;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Tests.Hosting;

/// <summary>The order the folder page sends its entries in, and the module graph it preloads.</summary>
public sealed class PageOrderTests
{
    [Fact]
    public void Folders_first_then_punctuation_digits_by_value_and_letters_without_case()
    {
        string[] expected = ["~y", "$x", "a b", "a_b", "a-b", "a.b", "a~b", "A2.txt", "a2a", "a02b", "a9.txt", "a10.txt", "B", "b1",
            "x007", "x7y", "x08", "x8", "Zz", "zZ1"];
        var entries = expected.Reverse().Select(n => new DirEntry(n, false, 0, 0))
            .Append(new DirEntry("dir 10", true, 0, 0)).Append(new DirEntry("Dir 9", true, 0, 0)).ToArray();
        Array.Sort(entries, NaturalOrder.Instance);
        Assert.Equal(["Dir 9", "dir 10", .. expected], entries.Select(e => e.Name));
    }

    [Fact]
    public void Static_imports_are_followed_and_dynamic_ones_are_not()
    {
        var files = new Dictionary<string, string>
        {
            ["js/app.js"] = "import { a } from './a.js';\nimport * as m from '../media/index.js';\nimport './side.js';\nconst p = await import('./panel.js');\n",
            ["js/a.js"] = "import {\n  x,\n  y,\n} from './util.js';\nexport { z } from \"./z.js\";\n// import nope from './commented.js' is still a line that starts with import? no: it starts with //\n",
            ["js/util.js"] = "import { a } from './a.js';\n", // a cycle
            ["js/z.js"] = "",
            ["js/side.js"] = "import x from 'bare-specifier';\n",
            ["media/index.js"] = "import { k } from './common.js';\n",
            ["media/common.js"] = "",
            ["js/panel.js"] = "",
        };
        var order = ModuleGraph.StaticClosure("js/app.js", n => files.GetValueOrDefault(n));
        Assert.Equal(["js/app.js", "js/a.js", "media/index.js", "js/side.js", "js/util.js", "js/z.js", "media/common.js"], order);
        Assert.Null(ModuleGraph.Resolve("js/app.js", "../../etc/passwd"));
        Assert.Null(ModuleGraph.Resolve("js/app.js", "/abs.js"));
    }
}
