// After TypeDoc: the API index gets each package's one-line description (from its package.json),
// and the main plain-text formulas of the doc comments become LaTeX, which the site renders with
// markdown-it-mathjax3 (the doc comments stay readable as plain text in editors). Three kinds:
// code spans (FORMULAS), whole lines (FORMULA_LINES) and indented blocks (FORMULA_BLOCKS, as
// display math). The LaTeX avoids `|` (a table cell's separator): norms are \lVert \rVert,
// absolute values \lvert \rvert. Types for the tests: api.d.mts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Code spans of the doc comments (without their backticks) and the LaTeX they become, by package
 * page. test/formulas.test.ts checks that each is still in its package's comments and renders on
 * the built page; the build reports each one it no longer finds, so that a reworded comment is
 * noticed. A span is replaced wherever it occurs on its page.
 */
export const FORMULAS = {
  probes: [
    [
      'E(W) = ||W M^T||_F^2 / ||W||_F^2',
      'E(W) = \\lVert W M^\\top \\rVert_F^2 / \\lVert W \\rVert_F^2',
    ],
    ['||M w_j||^2 / ||w_j||^2', '\\lVert M w_j \\rVert^2 / \\lVert w_j \\rVert^2'],
    ['s_r / s_1', 's_r / s_1'],
    ['W M^T', 'W M^\\top'],
    ['exp(-sum_i p_i log p_i)', '\\exp\\left(-\\textstyle\\sum_i p_i \\log p_i\\right)'],
    ['p_i = s_i^2 / sum_k s_k^2', 'p_i = s_i^2 / \\textstyle\\sum_k s_k^2'],
    ['s_i^2', 's_i^2'],
    ['s_i', 's_i'],
    ['s_1 >= ... >= s_r >= 0', 's_1 \\ge \\dots \\ge s_r \\ge 0'],
    ['theta_1 <= ... <= theta_k', '\\theta_1 \\le \\dots \\le \\theta_k'],
    ['k = min(p, q)', 'k = \\min(p, q)'],
    ['cos theta_i', '\\cos \\theta_i'],
    ['Q_a^T Q_b', 'Q_a^\\top Q_b'],
    ['Q_b - Q_a Q_a^T Q_b', 'Q_b - Q_a Q_a^\\top Q_b'],
    ["phi(x) = relu(x W'^T + b')", "\\phi(x) = \\mathrm{relu}(x W'^\\top + b')"],
    ['relu(x W^T + b)', '\\mathrm{relu}(x W^\\top + b)'],
    ['(l2 / 2) |w|^2', '(\\mathrm{l2} / 2)\\, \\lVert w \\rVert^2'],
    [
      '(1/n) sum_i log(1 + exp(-y_i (<x_i, w> + b))) + (l2/2) |w|^2',
      '\\frac{1}{n} \\sum_i \\log\\left(1 + e^{-y_i (\\langle x_i, w \\rangle + b)}\\right) + \\frac{\\mathrm{l2}}{2} \\lVert w \\rVert^2',
    ],
    [
      '(1/(2n)) sum_i (y_i - <x_i, w> - b)^2 + (l2/2) |w|^2',
      '\\frac{1}{2n} \\sum_i \\left(y_i - \\langle x_i, w \\rangle - b\\right)^2 + \\frac{\\mathrm{l2}}{2} \\lVert w \\rVert^2',
    ],
    ['K_ij = exp(-gamma |x_i - x_j|^2)', 'K_{ij} = \\exp(-\\gamma \\lVert x_i - x_j \\rVert^2)'],
    ['k(a, b) = exp(-gamma |a - b|^2)', 'k(a, b) = \\exp(-\\gamma \\lVert a - b \\rVert^2)'],
    ['sum_i alpha_i k(x, x_i)', '\\textstyle\\sum_i \\alpha_i k(x, x_i)'],
    [
      'sum_i alpha_i exp(-gamma |x - x_i|^2)',
      '\\textstyle\\sum_i \\alpha_i \\exp(-\\gamma \\lVert x - x_i \\rVert^2)',
    ],
    [
      'sqrt(sum (v - mean)^2 / (k - 1)) / sqrt(k)',
      '\\sqrt{\\textstyle\\sum (v - \\bar v)^2 / (k - 1)} / \\sqrt{k}',
    ],
    ['sd / sqrt(k)', '\\mathrm{sd} / \\sqrt{k}'],
  ],
  pretrain: [],
  tensors: [
    [
      'C = alpha * op(A) op(B) + beta * C',
      'C = \\alpha\\, \\mathrm{op}(A)\\, \\mathrm{op}(B) + \\beta\\, C',
    ],
    ['alpha * op(A) op(B)', '\\alpha\\, \\mathrm{op}(A)\\, \\mathrm{op}(B)'],
    [
      'C = alpha * op(A) op(A)^T + beta * C',
      'C = \\alpha\\, \\mathrm{op}(A)\\, \\mathrm{op}(A)^\\top + \\beta\\, C',
    ],
    ['C = alpha A^T A + ...', 'C = \\alpha A^\\top A + \\dots'],
    ['C = alpha * A^T A + beta * C', 'C = \\alpha A^\\top A + \\beta\\, C'],
    ['C = alpha A A^T + beta C', 'C = \\alpha A A^\\top + \\beta\\, C'],
    [
      'out = alpha * (F ⊙ (g a^T))^T x + beta * out',
      '\\mathrm{out} = \\alpha\\, \\bigl(F \\odot (g\\, a^\\top)\\bigr)^\\top x + \\beta\\, \\mathrm{out}',
    ],
    ['g a^T', 'g\\, a^\\top'],
    ['z = X W^T + b', 'z = X W^\\top + b'],
    ['X W^T + 1 b^T', 'X W^\\top + \\mathbf{1} b^\\top'],
    ['phi(X W^T + 1 b^T)', '\\phi(X W^\\top + \\mathbf{1} b^\\top)'],
    ['sqrt(sum x^2)', '\\sqrt{\\textstyle\\sum x^2}'],
    ['a = l l^T', 'a = l\\, l^\\top'],
    ['l l^T x = b', 'l\\, l^\\top x = b'],
    ['n * 2^-52 * max_i a_ii', 'n \\cdot 2^{-52} \\cdot \\max_i a_{ii}'],
    ['a_jj - sum_k l_jk^2', 'a_{jj} - \\textstyle\\sum_k l_{jk}^2'],
    ['X^T X + lambda I', 'X^\\top X + \\lambda I'],
    ['a = V diag(values) V^T', 'a = V \\operatorname{diag}(\\mathrm{values})\\, V^\\top'],
    [
      '|a_pq| <= tol * sqrt(|a_pp a_qq|)',
      '\\lvert a_{pq} \\rvert \\le \\mathrm{tol} \\sqrt{\\lvert a_{pp} a_{qq} \\rvert}',
    ],
    [
      'max |a_ij - a_ji| / max |a_ij|',
      '\\max \\lvert a_{ij} - a_{ji} \\rvert / \\max \\lvert a_{ij} \\rvert',
    ],
    ['(a + a^T) / 2', '(a + a^\\top) / 2'],
    ['a = u diag(s) v^T', 'a = u \\operatorname{diag}(s)\\, v^\\top'],
    [
      '|<b_p, b_q>| <= tol * ||b_p|| ||b_q||',
      '\\lvert \\langle b_p, b_q \\rangle \\rvert \\le \\mathrm{tol}\\, \\lVert b_p \\rVert\\, \\lVert b_q \\rVert',
    ],
    ['k * 2^-52', 'k \\cdot 2^{-52}'],
    ['2^-52', '2^{-52}'],
    ['q^T q = I_n', 'q^\\top q = I_n'],
    ['out out^T = I_r', '\\mathrm{out}\\, \\mathrm{out}^\\top = I_r'],
    ['M M^T = I_r', 'M M^\\top = I_r'],
    ['1e-12 * ||a||_F', '10^{-12} \\lVert a \\rVert_F'],
  ],
  tasks: [
    ['g(z) = sign(<v, z> - c)', 'g(z) = \\operatorname{sign}(\\langle v, z \\rangle - c)'],
    [
      'g(z) = sign(sum_k u_k relu(<q_k, z> + beta_k))',
      'g(z) = \\operatorname{sign}\\bigl(\\textstyle\\sum_k u_k\\, \\mathrm{relu}(\\langle q_k, z \\rangle + \\beta_k)\\bigr)',
    ],
    ['u_k ~ N(0, 1)', 'u_k \\sim \\mathcal{N}(0, 1)'],
    ['beta_k ~ N(0, biasStd^2)', '\\beta_k \\sim \\mathcal{N}(0, \\mathrm{biasStd}^2)'],
    [
      'g(z) = prod_{i in S} sign(z_i)',
      'g(z) = \\textstyle\\prod_{i \\in S} \\operatorname{sign}(z_i)',
    ],
    [
      'g(z) = prod_{i in subset} sign(z_i)',
      'g(z) = \\textstyle\\prod_{i \\in \\mathrm{subset}} \\operatorname{sign}(z_i)',
    ],
    ['z ~ N(0, I_r)', 'z \\sim \\mathcal{N}(0, I_r)'],
    ['1 <= r <= d', '1 \\le r \\le d'],
    ['M M^T = I_r', 'M M^\\top = I_r'],
    ['M M^T - I', 'M M^\\top - I'],
    ['|M M^T - I|', '\\lvert M M^\\top - I \\rvert'],
    ['x ~ N(0, I_d)', 'x \\sim \\mathcal{N}(0, I_d)'],
    ['sqrt(d)', '\\sqrt{d}'],
    ['E|x|^2 = d', '\\mathbb{E} \\lVert x \\rVert^2 = d'],
    ['{-1, +1}^d', '\\{-1, +1\\}^d'],
    ['x = M^T mu_c + xi', 'x = M^\\top \\mu_c + \\xi'],
    ['xi ~ N(0, noiseStd^2 I_d)', '\\xi \\sim \\mathcal{N}(0, \\mathrm{noiseStd}^2 I_d)'],
    ['mu_c ~ N(0, centreStd^2 I_r)', '\\mu_c \\sim \\mathcal{N}(0, \\mathrm{centreStd}^2 I_r)'],
    ['N(0, centreStd^2 I_r)', '\\mathcal{N}(0, \\mathrm{centreStd}^2 I_r)'],
    [
      'x_i = M^T mu_{c_i} + noiseStd * normal(kxi, [n, d])_i',
      'x_i = M^\\top \\mu_{c_i} + \\mathrm{noiseStd} \\cdot \\mathtt{normal}(\\mathrm{kxi}, [n, d])_i',
    ],
    ['z = x M^T', 'z = x M^\\top'],
    ['y = g(z)', 'y = g(z)'],
    ['y_i = g(z_i)', 'y_i = g(z_i)'],
    ['mInBasis = M B^T', '\\mathrm{mInBasis} = M B^\\top'],
    ['u = (M B^T)^T mu_c + s xi', 'u = (M B^\\top)^\\top \\mu_c + s\\, \\xi'],
    ['xi ~ N(0, I_k)', '\\xi \\sim \\mathcal{N}(0, I_k)'],
    ['M^T mu_c', 'M^\\top \\mu_c'],
    ['z = u (M B^T)^T = M x', 'z = u\\, (M B^\\top)^\\top = M x'],
    ['L L^T = A A^T', 'L L^\\top = A A^\\top'],
    ['(w B^T)(B x)', '(w B^\\top)(B x)'],
    ['(M B^T)(B x)', '(M B^\\top)(B x)'],
    ['B B^T = I_k', 'B B^\\top = I_k'],
    ['z = (M B^T) u', 'z = (M B^\\top)\\, u'],
    ['w = (w B^T) B', 'w = (w B^\\top) B'],
    ['M B^T', 'M B^\\top'],
    ['w B^T', 'w B^\\top'],
  ],
  network: [
    [
      'f_t(x) = sum_j a_{t,j} phi(<w_j, x> + b_j)',
      'f_t(x) = \\textstyle\\sum_j a_{t,j}\\, \\phi(\\langle w_j, x \\rangle + b_j)',
    ],
    ['w_j ~ N(0, I_d / d)', 'w_j \\sim \\mathcal{N}(0, I_d / d)'],
    ['Z = X W^T + 1 b^T', 'Z = X W^\\top + \\mathbf{1} b^\\top'],
    ['H = phi(X W^T + 1 b^T)', 'H = \\phi(X W^\\top + \\mathbf{1} b^\\top)'],
    ['max(z, 0)', '\\max(z, 0)'],
    [
      'z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))',
      '\\tfrac{z}{2} \\bigl(1 + \\tanh\\bigl(\\sqrt{2/\\pi}\\, (z + 0.044715\\, z^3)\\bigr)\\bigr)',
    ],
    ['l(y, f)', '\\ell(y, f)'],
    ['(1/n) sum_i l(y_i, f_i)', '\\frac{1}{n} \\textstyle\\sum_i \\ell(y_i, f_i)'],
    ["g_i = l'(y_i, f_i)", "g_i = \\ell'(y_i, f_i)"],
    ['H^T g / n', 'H^\\top g / n'],
    ['d/da = H^T g / n', '\\partial / \\partial a = H^\\top g / n'],
    [
      "d/dW = (phi'(X W^T + b) ⊙ (g a^T))^T X / n",
      "\\partial / \\partial W = \\bigl(\\phi'(X W^\\top + b) \\odot (g\\, a^\\top)\\bigr)^\\top X / n",
    ],
    ['dL/da = H^T g / n', '\\partial L / \\partial a = H^\\top g / n'],
    [
      "dL/dW = (phi'(Z) ⊙ (g a^T))^T X / n",
      "\\partial L / \\partial W = \\bigl(\\phi'(Z) \\odot (g\\, a^\\top)\\bigr)^\\top X / n",
    ],
    [
      "dL/db = (phi'(Z) ⊙ (g a^T))^T 1 / n",
      "\\partial L / \\partial b = \\bigl(\\phi'(Z) \\odot (g\\, a^\\top)\\bigr)^\\top \\mathbf{1} / n",
    ],
    ['scale * dL/dW', '\\mathrm{scale} \\cdot \\partial L / \\partial W'],
    ['scale * dL/db', '\\mathrm{scale} \\cdot \\partial L / \\partial b'],
    [
      'mean_i l(y_i, <h_i, a>) + (l2 / 2) |a|^2',
      '\\operatorname{mean}_i \\ell(y_i, \\langle h_i, a \\rangle) + (\\mathrm{l2} / 2)\\, \\lVert a \\rVert^2',
    ],
    ['(l2 / 2) |a|^2', '(\\mathrm{l2} / 2)\\, \\lVert a \\rVert^2'],
  ],
  optim: [
    ['u_t = -lr(t) * g_t', 'u_t = -\\mathrm{lr}(t)\\, g_t'],
    ['u_t = g_t + weightDecay * p_t', 'u_t = g_t + \\mathrm{weightDecay} \\cdot p_t'],
    ['weightDecay / 2 * ||p||^2', '\\tfrac{\\mathrm{weightDecay}}{2} \\lVert p \\rVert^2'],
    ['weightDecay * p', '\\mathrm{weightDecay} \\cdot p'],
    ['p - lr * (g + wd * p)', 'p - \\mathrm{lr} \\cdot (g + \\mathrm{wd} \\cdot p)'],
    ['1 - lr * weightDecay', '1 - \\mathrm{lr} \\cdot \\mathrm{weightDecay}'],
    ['sqrt(nu)', '\\sqrt{\\nu}'],
    ['sqrt(sum_k ||t_k||_F^2)', '\\sqrt{\\textstyle\\sum_k \\lVert t_k \\rVert_F^2}'],
    ['alpha * init', '\\alpha \\cdot \\mathrm{init}'],
  ],
  baselines: [
    ['m_t = (1/n) sum_i y_i x_i', 'm_t = \\frac{1}{n} \\textstyle\\sum_i y_i x_i'],
    ['sum_t m_t m_t^T', '\\textstyle\\sum_t m_t m_t^\\top'],
    ['E[y x] = sqrt(2/pi) M^T v_t', '\\mathbb{E}[y x] = \\sqrt{2/\\pi}\\, M^\\top v_t'],
    ['E[y x] = 0', '\\mathbb{E}[y x] = 0'],
    ['y_i x_ij', 'y_i x_{ij}'],
    ['s^2 = mean(x_ij^2)', 's^2 = \\operatorname{mean}(x_{ij}^2)'],
    ['s^2 / n', 's^2 / n'],
    ['M M^T', 'M M^\\top'],
    ['(s^2 / n) (sqrt(T) + sqrt(d))^2', '(s^2 / n) \\bigl(\\sqrt{T} + \\sqrt{d}\\bigr)^2'],
    ['z = M x', 'z = M x'],
    ['relu(<u_j, z> + b_j)', '\\mathrm{relu}(\\langle u_j, z \\rangle + b_j)'],
    ['W = U M', 'W = U M'],
    ['alpha / sqrt(d)', '\\alpha / \\sqrt{d}'],
    [
      'alpha |<w_j, M^T v_t>| / sqrt(2 pi)',
      '\\alpha\\, \\lvert \\langle w_j, M^\\top v_t \\rangle \\rvert / \\sqrt{2 \\pi}',
    ],
    ['<w_j, M^T v_t> ~ N(0, 1/d)', '\\langle w_j, M^\\top v_t \\rangle \\sim \\mathcal{N}(0, 1/d)'],
    ['N(0, headStd^2)', '\\mathcal{N}(0, \\mathrm{headStd}^2)'],
    ['1 / sqrt(m)', '1 / \\sqrt{m}'],
    ['N(0, 0.5^2)', '\\mathcal{N}(0, 0.5^2)'],
    ["phi(x) = relu(W' x + b')", "\\phi(x) = \\mathrm{relu}(W' x + b')"],
  ],
};

/** Whole plain-text lines of the doc comments (not code spans) and what they become. */
export const FORMULA_LINES = {
  tensors: [
    [
      'The root key for an integer seed (0 <= seed <= 2^53 - 1). The same seed gives the same',
      'The root key for an integer seed ($0 \\le \\mathrm{seed} \\le 2^{53} - 1$). The same seed gives the same',
    ],
    [
      'The next 32 random bits as a signed integer in [-2^31, 2^31).',
      'The next 32 random bits as a signed integer in $[-2^{31}, 2^{31})$.',
    ],
    [
      'The next 32 random bits as an unsigned integer in [0, 2^32).',
      'The next 32 random bits as an unsigned integer in $[0, 2^{32})$.',
    ],
  ],
  probes: [['E(W) in [0, 1];', '$E(W) \\in [0, 1]$;']],
  pretrain: [
    ['W <- W - eta * G / T (default).', '$W \\leftarrow W - \\eta\\, G / T$ (default).'],
    [
      'Centre the labels within each sample set, y - mean(y) on S1 and on S2 separately (which',
      'Centre the labels within each sample set, $y - \\bar y$ on $S_1$ and on $S_2$ separately (which',
    ],
    [
      'biased teacher tasks) otherwise let the constant part E[y]^2 of the label kernel dominate',
      'biased teacher tasks) otherwise let the constant part $\\mathbb{E}[y]^2$ of the label kernel dominate',
    ],
  ],
};

/**
 * Indented code blocks of the doc comments (their lines, without the 4-space indent that marks
 * them) that become display math: update rules and schedules, each a `$$` block of the LaTeX.
 * The comments keep them as aligned plain text.
 */
export const FORMULA_BLOCKS = {
  optim: [
    [
      [
        'mu_t = b1 * mu_{t-1} + (1 - b1) * g_t',
        'nu_t = b2 * nu_{t-1} + (1 - b2) * g_t^2',
        'p_{t+1} = p_t - lr(t) * (mu_t / (1 - b1^t)) / (sqrt(nu_t / (1 - b2^t)) + eps)',
      ],
      String.raw`\begin{aligned}
\mu_t &= b_1\, \mu_{t-1} + (1 - b_1)\, g_t \\
\nu_t &= b_2\, \nu_{t-1} + (1 - b_2)\, g_t^2 \\
p_{t+1} &= p_t - \mathrm{lr}(t)\, \frac{\mu_t / (1 - b_1^t)}{\sqrt{\nu_t / (1 - b_2^t)} + \varepsilon}
\end{aligned}`,
    ],
    [
      [
        'mu_t = b1 * mu_{t-1} + (1 - b1) * g_t',
        'nu_t = b2 * nu_{t-1} + (1 - b2) * g_t^2',
        'u_t  = (mu_t / (1 - b1^t)) / (sqrt(nu_t / (1 - b2^t)) + eps)',
      ],
      String.raw`\begin{aligned}
\mu_t &= b_1\, \mu_{t-1} + (1 - b_1)\, g_t \\
\nu_t &= b_2\, \nu_{t-1} + (1 - b_2)\, g_t^2 \\
u_t &= \frac{\mu_t / (1 - b_1^t)}{\sqrt{\nu_t / (1 - b_2^t)} + \varepsilon}
\end{aligned}`,
    ],
    [
      ['p_{t+1} = p_t - lr(t) * (adam_t + weightDecay * p_t)'],
      String.raw`p_{t+1} = p_t - \mathrm{lr}(t)\, \bigl(\mathrm{adam}_t + \mathrm{weightDecay} \cdot p_t\bigr)`,
    ],
    [
      ['u_t = g_t * min(1, maxNorm / ||g_t||)      where ||g|| = sqrt(sum_k ||g_k||_F^2)'],
      String.raw`u_t = g_t \min\left(1, \frac{\mathrm{maxNorm}}{\lVert g_t \rVert}\right)
\qquad \text{where } \lVert g \rVert = \sqrt{\textstyle\sum_k \lVert g_k \rVert_F^2}`,
    ],
    [
      ['init * ((1 - alpha) * (1 + cos(pi * min(step, decaySteps) / decaySteps)) / 2 + alpha)'],
      String.raw`\mathrm{init} \cdot \left((1 - \alpha)\,
\frac{1 + \cos\bigl(\pi \min(\mathrm{step}, \mathrm{decaySteps}) / \mathrm{decaySteps}\bigr)}{2}
+ \alpha\right)`,
    ],
    [
      ['init + (end - init) * clamp((step - transitionBegin) / transitionSteps, 0, 1)'],
      String.raw`\mathrm{init} + (\mathrm{end} - \mathrm{init}) \cdot
\operatorname{clamp}\left(\frac{\mathrm{step} - \mathrm{transitionBegin}}{\mathrm{transitionSteps}}, 0, 1\right)`,
    ],
    [
      [
        'd_t = g_t + weightDecay * p_t',
        'm_t = d_t + momentum * m_{t-1}                      (m_0 = 0)',
        'p_{t+1} = p_t - lr(t) * m_t                          (heavy ball)',
        'p_{t+1} = p_t - lr(t) * (d_t + momentum * m_t)       (nesterov)',
      ],
      String.raw`\begin{aligned}
d_t &= g_t + \mathrm{weightDecay} \cdot p_t \\
m_t &= d_t + \mathrm{momentum} \cdot m_{t-1} && (m_0 = 0) \\
p_{t+1} &= p_t - \mathrm{lr}(t)\, m_t && \text{(heavy ball)} \\
p_{t+1} &= p_t - \mathrm{lr}(t)\, (d_t + \mathrm{momentum} \cdot m_t) && \text{(nesterov)}
\end{aligned}`,
    ],
    [
      [
        '{ boundaries, factors }:  init * prod { factors[i] : step >= boundaries[i] }',
        '{ every, gamma }:         init * gamma ^ floor(step / every)',
      ],
      String.raw`\begin{aligned}
\{\, \mathrm{boundaries}, \mathrm{factors} \,\} &: \quad
\mathrm{init} \cdot \textstyle\prod \{\, \mathrm{factors}[i] : \mathrm{step} \ge \mathrm{boundaries}[i] \,\} \\
\{\, \mathrm{every}, \mathrm{gamma} \,\} &: \quad
\mathrm{init} \cdot \mathrm{gamma}^{\lfloor \mathrm{step} / \mathrm{every} \rfloor}
\end{aligned}`,
    ],
    [
      [
        'm_t = g_t + decay * m_{t-1}          (m_0 = 0)',
        'u_t = m_t                            (heavy ball)',
        'u_t = g_t + decay * m_t              (nesterov)',
      ],
      String.raw`\begin{aligned}
m_t &= g_t + \mathrm{decay} \cdot m_{t-1} && (m_0 = 0) \\
u_t &= m_t && \text{(heavy ball)} \\
u_t &= g_t + \mathrm{decay} \cdot m_t && \text{(nesterov)}
\end{aligned}`,
    ],
    [
      [
        'step < warmupSteps:  init + (peak - init) * step / warmupSteps',
        'otherwise:           end + (peak - end) * (1 + cos(pi * min(s, T) / T)) / 2',
        '                     with s = step - warmupSteps, T = decaySteps - warmupSteps',
      ],
      String.raw`\begin{aligned}
\mathrm{step} < \mathrm{warmupSteps} &: \quad
\mathrm{init} + (\mathrm{peak} - \mathrm{init}) \cdot \mathrm{step} / \mathrm{warmupSteps} \\
\text{otherwise} &: \quad
\mathrm{end} + (\mathrm{peak} - \mathrm{end}) \cdot \bigl(1 + \cos(\pi \min(s, T) / T)\bigr) / 2 \\
& \phantom{: \quad} \text{with } s = \mathrm{step} - \mathrm{warmupSteps},\
T = \mathrm{decaySteps} - \mathrm{warmupSteps}
\end{aligned}`,
    ],
    [
      [
        'step < warmupSteps:  init + (peak - init) * step / warmupSteps',
        'otherwise:           after(step - warmupSteps)   (or peak)',
      ],
      String.raw`\begin{aligned}
\mathrm{step} < \mathrm{warmupSteps} &: \quad
\mathrm{init} + (\mathrm{peak} - \mathrm{init}) \cdot \mathrm{step} / \mathrm{warmupSteps} \\
\text{otherwise} &: \quad
\mathtt{after}(\mathrm{step} - \mathrm{warmupSteps}) \quad \text{(or } \mathrm{peak} \text{)}
\end{aligned}`,
    ],
  ],
};

/** The markdown of an indented block: each line indented by 4 spaces (blank lines stay empty). */
export function indentedBlock(lines) {
  return lines.map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
}

/**
 * Replaces each whole indented block `block` of `text` (a block not continued by a further
 * indented line) by `replacement`; returns the text and how many blocks were replaced.
 */
function replaceBlock(text, block, replacement) {
  let count = 0;
  let out = '';
  let from = 0;
  for (;;) {
    const at = text.indexOf(block, from);
    if (at < 0) break;
    const end = at + block.length;
    const whole =
      (at === 0 || text[at - 1] === '\n') &&
      (end === text.length || /^\n(?! {4})/.test(text.slice(end)));
    out += text.slice(from, at) + (whole ? replacement : block);
    if (whole) count++;
    from = end;
  }
  return { text: out + text.slice(from), count };
}

/** Replaces outside fenced code blocks only. */
function outsideFences(text, replace) {
  return text
    .split(/(^```[\s\S]*?^```$)/m)
    .map((part, i) => (i % 2 === 1 ? part : replace(part)))
    .join('');
}

/**
 * Rewrites the generated API reference in `apiDir`: descriptions on the index, formulas as
 * LaTeX. Returns the formulas converted and those not found (reported by the build).
 */
export function polishApi(apiDir, packagesDir) {
  const indexPath = join(apiDir, 'index.md');
  const index = readFileSync(indexPath, 'utf8').replace(
    /^- \[@mtrl\/([a-z-]+)\]\(([^)]+)\)$/gm,
    (_line, name, link) => {
      const pkg = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'));
      return `- [@mtrl/${name}](${link}): ${pkg.description}`;
    },
  );
  writeFileSync(indexPath, index);
  let converted = 0;
  const missing = [];
  const names = [FORMULAS, FORMULA_LINES, FORMULA_BLOCKS].flatMap((list) => Object.keys(list));
  for (const name of new Set(names)) {
    const path = join(apiDir, '@mtrl', `${name}.md`);
    const original = readFileSync(path, 'utf8');
    const text = outsideFences(original, (part) => {
      let out = part;
      for (const [plain, latex] of FORMULAS[name] ?? []) {
        const span = `\`${plain}\``;
        if (!out.includes(span)) continue;
        out = out.split(span).join(`$${latex}$`);
        converted++;
      }
      for (const [plain, latex] of FORMULA_LINES[name] ?? []) {
        if (!out.includes(plain)) continue;
        out = out.split(plain).join(latex);
        converted++;
      }
      for (const [lines, latex] of FORMULA_BLOCKS[name] ?? []) {
        const replaced = replaceBlock(out, indentedBlock(lines), `$$\n${latex}\n$$`);
        out = replaced.text;
        if (replaced.count > 0) converted++;
      }
      return out;
    });
    for (const [plain] of FORMULAS[name] ?? []) {
      if (!original.includes(`\`${plain}\``)) missing.push(`${name}: \`${plain}\``);
    }
    for (const [plain] of FORMULA_LINES[name] ?? []) {
      if (!original.includes(plain)) missing.push(`${name}: ${plain}`);
    }
    for (const [lines] of FORMULA_BLOCKS[name] ?? []) {
      if (!original.includes(indentedBlock(lines))) missing.push(`${name}: ${lines.join(' / ')}`);
    }
    writeFileSync(path, text);
  }
  return { converted, missing };
}
