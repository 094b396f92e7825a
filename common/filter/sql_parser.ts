/**
 * Recursive-descent parser of RocketMQ's SQL92 filter grammar
 * (`filter/.../parser/SelectorParser.jj`, derived from ActiveMQ selectors),
 * with Java's precedence: OR < AND < `=`/`<>`/`IS [NOT] NULL` < `>`, `>=`,
 * `<`, `<=`, `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] CONTAINS|STARTSWITH|ENDSWITH`
 * < prefix `+`, `-`, `NOT` < literals, properties and parentheses. Unlike
 * Java, text after a complete expression is an error (Java ignores it).
 *
 * Runs on: any
 * @module
 */
import { SQL_FILTER_MAX_CHARS, SQL_FILTER_MAX_DEPTH } from "./filter_limits.ts";
import type { SqlComparisonOperator, SqlMatchOperator, SqlNode } from "./sql_ast.ts";
import { tokenizeSql } from "./sql_lexer.ts";
import type { SqlKeyword, SqlToken } from "./sql_lexer.ts";
import {
  checkBetweenBounds,
  checkEqualOperands,
  checkRelationalOperand,
  decimalLiteral,
  filterError,
  floatLiteral,
  requireBoolean,
} from "./_sql_checks.ts";
import type { FilterError } from "./filter_error.ts";

const RELATIONAL: ReadonlySet<string> = new Set([">", ">=", "<", "<="]);
const MATCH: ReadonlySet<string> = new Set(["CONTAINS", "STARTSWITH", "ENDSWITH"]);

function describe(token: SqlToken): string {
  return token.type === "end" ? "end of input" : JSON.stringify(token.text);
}

class SqlParser {
  readonly #tokens: SqlToken[];
  #index = 0;
  #recursion = 0;
  readonly #depths = new WeakMap<SqlNode, number>();

  constructor(tokens: SqlToken[]) {
    this.#tokens = tokens;
  }

  parse(): SqlNode {
    const node = this.#or();
    const next = this.#peek();
    if (next.type !== "end") {
      throw this.#unexpected(next, "an operator or the end of the expression");
    }
    requireBoolean(node, 0);
    return node;
  }

  #peek(ahead = 0): SqlToken {
    const last = this.#tokens[this.#tokens.length - 1]!;
    return this.#tokens[this.#index + ahead] ?? last;
  }

  #next(): SqlToken {
    const token = this.#peek();
    if (token.type !== "end") this.#index++;
    return token;
  }

  #isKeyword(token: SqlToken, keyword: SqlKeyword): boolean {
    return token.type === "keyword" && token.keyword === keyword;
  }

  #isPunctuation(token: SqlToken, text: string): boolean {
    return token.type === "punctuation" && token.text === text;
  }

  #unexpected(token: SqlToken, expected: string): FilterError {
    return filterError(`expected ${expected} but found ${describe(token)}`, token.position);
  }

  #expectPunctuation(text: string): SqlToken {
    const token = this.#next();
    if (!this.#isPunctuation(token, text)) throw this.#unexpected(token, JSON.stringify(text));
    return token;
  }

  #expectString(): string {
    const token = this.#next();
    if (token.type !== "string") throw this.#unexpected(token, "a string literal");
    return token.value;
  }

  /** Records a new node's tree depth and refuses trees deeper than the limit. */
  #node<T extends SqlNode>(node: T, children: readonly SqlNode[], position: number): T {
    let depth = 1;
    for (const child of children) depth = Math.max(depth, (this.#depths.get(child) ?? 1) + 1);
    if (depth > SQL_FILTER_MAX_DEPTH) {
      throw filterError(
        `expression is nested deeper than ${SQL_FILTER_MAX_DEPTH} levels`,
        position,
      );
    }
    this.#depths.set(node, depth);
    return node;
  }

  #or(): SqlNode {
    return this.#logic("OR", () => this.#logic("AND", () => this.#equality()));
  }

  #logic(keyword: "AND" | "OR", operand: () => SqlNode): SqlNode {
    const start = this.#peek().position;
    const first = operand();
    if (!this.#isKeyword(this.#peek(), keyword)) return first;
    requireBoolean(first, start);
    const operands = [first];
    while (this.#isKeyword(this.#peek(), keyword)) {
      this.#next();
      const position = this.#peek().position;
      const next = operand();
      requireBoolean(next, position);
      operands.push(next);
    }
    const kind = keyword === "AND" ? "and" : "or";
    return this.#node({ kind, operands }, operands, start);
  }

  #equality(): SqlNode {
    let left = this.#comparison();
    for (;;) {
      const token = this.#peek();
      if (this.#isPunctuation(token, "=") || this.#isPunctuation(token, "<>")) {
        this.#next();
        const right = this.#comparison();
        checkEqualOperands(left, right, token.position);
        const operator = token.text as SqlComparisonOperator;
        left = this.#node(
          { kind: "compare", operator, left, right },
          [left, right],
          token.position,
        );
      } else if (this.#isKeyword(token, "IS")) {
        this.#next();
        const negated = this.#isKeyword(this.#peek(), "NOT");
        if (negated) this.#next();
        const expected = this.#next();
        if (!this.#isKeyword(expected, "NULL")) {
          throw this.#unexpected(expected, negated ? "NULL" : "NULL or NOT NULL");
        }
        left = this.#node({ kind: "isNull", operand: left, negated }, [left], token.position);
      } else {
        return left;
      }
    }
  }

  #comparison(): SqlNode {
    let left = this.#unary();
    for (;;) {
      const token = this.#peek();
      const negated = this.#isKeyword(token, "NOT") && this.#isComparisonKeyword(this.#peek(1));
      const operatorToken = negated ? this.#peek(1) : token;
      if (token.type === "punctuation" && RELATIONAL.has(token.text)) {
        this.#next();
        const right = this.#unary();
        checkRelationalOperand(left, token.text, token.position);
        checkRelationalOperand(right, token.text, token.position);
        const operator = token.text as SqlComparisonOperator;
        left = this.#node(
          { kind: "compare", operator, left, right },
          [left, right],
          token.position,
        );
      } else if (negated || this.#isComparisonKeyword(token)) {
        if (negated) this.#next();
        this.#next();
        left = this.#keywordComparison(left, operatorToken, negated);
      } else {
        return left;
      }
    }
  }

  #isComparisonKeyword(token: SqlToken): boolean {
    if (token.type !== "keyword") return false;
    return token.keyword === "BETWEEN" || token.keyword === "IN" || MATCH.has(token.keyword);
  }

  /** The rest of `BETWEEN`, `IN` or a string match, after its keyword was consumed. */
  #keywordComparison(left: SqlNode, token: SqlToken, negated: boolean): SqlNode {
    const keyword = token.type === "keyword" ? token.keyword : "";
    const at = token.position;
    if (keyword === "BETWEEN") {
      const low = this.#unary();
      const and = this.#next();
      if (!this.#isKeyword(and, "AND")) throw this.#unexpected(and, "AND");
      const high = this.#unary();
      if (!negated) checkBetweenBounds(low, high, at);
      for (const operand of [left, low, high]) checkRelationalOperand(operand, "BETWEEN", at);
      return this.#node(
        { kind: "between", operand: left, low, high, negated },
        [left, low, high],
        at,
      );
    }
    if (keyword === "IN") {
      if (left.kind !== "property") throw filterError("IN needs a property on its left", at);
      this.#expectPunctuation("(");
      const values = [this.#expectString()];
      while (this.#isPunctuation(this.#peek(), ",")) {
        this.#next();
        values.push(this.#expectString());
      }
      this.#expectPunctuation(")");
      return this.#node({ kind: "in", operand: left, values, negated }, [left], at);
    }
    const operator = keyword as SqlMatchOperator;
    const pattern = this.#expectString();
    return this.#node({ kind: "match", operator, operand: left, pattern, negated }, [left], at);
  }

  #unary(): SqlNode {
    const token = this.#peek();
    if (++this.#recursion > SQL_FILTER_MAX_DEPTH) {
      throw filterError(
        `expression is nested deeper than ${SQL_FILTER_MAX_DEPTH} levels`,
        token.position,
      );
    }
    try {
      if (this.#isPunctuation(token, "+")) {
        this.#next();
        return this.#unary();
      }
      if (this.#isPunctuation(token, "-")) {
        this.#next();
        const operand = this.#unary();
        return this.#node({ kind: "negate", operand }, [operand], token.position);
      }
      if (this.#isKeyword(token, "NOT")) {
        this.#next();
        const position = this.#peek().position;
        const operand = this.#unary();
        requireBoolean(operand, position);
        return this.#node({ kind: "not", operand }, [operand], token.position);
      }
      return this.#primary();
    } finally {
      this.#recursion--;
    }
  }

  #primary(): SqlNode {
    const token = this.#next();
    switch (token.type) {
      case "string":
        return { kind: "string", value: token.value };
      case "decimal":
        return decimalLiteral(token.text, token.position);
      case "float":
        return floatLiteral(token.text, token.position);
      case "identifier":
        return { kind: "property", name: token.text };
      case "keyword":
        if (token.keyword === "TRUE" || token.keyword === "FALSE") {
          return { kind: "boolean", value: token.keyword === "TRUE" };
        }
        if (token.keyword === "NULL") return { kind: "null" };
        break;
      case "punctuation":
        if (token.text === "(") {
          const inner = this.#or();
          this.#expectPunctuation(")");
          return inner;
        }
        break;
    }
    throw this.#unexpected(token, "an expression");
  }
}

/**
 * Parses a SQL92 filter expression into its syntax tree, applying Java's
 * parse-time checks. Throws `FilterError` (with `position`) when the text is
 * longer than `SQL_FILTER_MAX_CHARS`, nested deeper than
 * `SQL_FILTER_MAX_DEPTH`, or not valid.
 *
 * @example
 * ```ts
 * import { parseSqlExpression } from "./sql_parser.ts";
 * parseSqlExpression("a between 1 and 5").kind; // "between"
 * ```
 */
export function parseSqlExpression(expression: string): SqlNode {
  if (expression.length > SQL_FILTER_MAX_CHARS) {
    throw filterError(
      `${expression.length} characters is more than the limit of ${SQL_FILTER_MAX_CHARS}`,
      SQL_FILTER_MAX_CHARS,
    );
  }
  return new SqlParser(tokenizeSql(expression)).parse();
}
