import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
const nlp = winkNLP(model, ['sbd', 'pos']);
for (const s of process.argv.slice(2)) { const d = nlp.readDoc(s); console.log(d.tokens().out(nlp.its.value).map((v: string, i: number) => `${v}/${d.tokens().out(nlp.its.pos)[i]}`).join(' ')); }
