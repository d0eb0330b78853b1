/**
 * Held texts the fit search reads back: what a page of each script is calibrated on. Both are
 * public domain and are not the texts the benchmarks measure: English from the last third of Jane
 * Austen's *Pride and Prejudice* (1813; Project Gutenberg), a run of dialogue and narrative as
 * the novel has them (curly quotes, dashes, `_emphasis_` marks), hard wraps joined; classical Chinese (traditional characters) from a late part of Lü Kun's
 * 呻吟語 (*Shen Yin Yu*, 1593; Project Gutenberg eBook #25558), one paragraph a line.
 * Kept as modules, not data files, so the built runner carries them.
 */
import type { TextScript } from '../../protocol/render-config.ts';

/** English calibration prose. */
export const LATIN_CALIBRATION = `Every day at Longbourn was now a day of anxiety; but the most anxious part of each was when the post was expected. The arrival of letters was the first grand object of every morning’s impatience. Through letters, whatever of good or bad was to be told would be communicated; and every succeeding day was expected to bring some news of importance.
But before they heard again from Mr. Gardiner, a letter arrived for their father, from a different quarter, from Mr. Collins; which, as Jane had received directions to open all that came for him in his absence, she accordingly read; and Elizabeth, who knew what curiosities his letters always were, looked over her, and read it likewise. It was as follows:--
/* “My dear Sir, */
“I feel myself called upon, by our relationship, and my situation in life, to condole with you on the grievous affliction you are now suffering under, of which we were yesterday informed by a letter from Hertfordshire. Be assured, my dear sir, that Mrs. Collins and myself sincerely sympathize with you, and all your respectable family, in your present distress, which must be of the bitterest kind, because proceeding from a cause which no time can remove. No arguments shall be wanting on my part, that can alleviate so severe a misfortune; or that may comfort you, under a circumstance that must be, of all others, most afflicting to a parent’s mind. The death of your daughter would have been a blessing in comparison of this. And it is the more to be lamented, because there is reason to suppose, as my dear Charlotte informs me, that this licentiousness of behaviour in your
[Illustration:
“To whom I have related the affair”
[_Copyright 1894 by George Allen._]]
daughter has proceeded from a faulty degree of indulgence; though, at the same time, for the consolation of yourself and Mrs. Bennet, I am inclined to think that her own disposition must be naturally bad, or she could not be guilty of such an enormity, at so early an age. Howsoever that may be, you are grievously to be pitied; in which opinion I am not only joined by Mrs. Collins, but likewise by Lady Catherine and her daughter, to whom I have related the affair. They agree with me in apprehending that this false step in one daughter will be injurious to the fortunes of all the others: for who, as Lady Catherine herself condescendingly says, will connect themselves with such a family? And this consideration leads me, moreover, to reflect, with augmented satisfaction, on a certain event of last November; for had it been otherwise, I must have been involved in all your sorrow and disgrace. Let me advise you, then, my dear sir, to console yourself as much as possible, to throw off your unworthy child from your affection for ever, and leave her to reap the fruits of her own heinous offence.
“I am, dear sir,” etc., etc.
Mr. Gardiner did not write again, till he had received an answer from Colonel Forster; and then he had nothing of a pleasant nature to send. It was not known that Wickham had a single relation with whom he kept up any connection, and it was certain that he had no near one living. His former acquaintance had been numerous; but since he had been in the militia, it did not appear that he was on terms of particular friendship with any of them. There was no one, therefore, who could be pointed out as likely to give any news of him. And in the wretched state of his own finances, there was a very powerful motive for secrecy, in addition to his fear of discovery by Lydia’s relations; for it had just transpired that he had left gaming debts behind him to a very considerable amount. Colonel Forster believed that more than a thousand pounds would be necessary to clear his expenses at Brighton. He owed a good deal in the town, but his debts of honour were still more formidable. Mr. Gardiner did not attempt to conceal these particulars from the Longbourn family; Jane heard them with horror. “A gamester!” she cried. “This is wholly unexpected; I had not an idea of it.”
Mr. Gardiner added, in his letter, that they might expect to see their father at home on the following day, which was Saturday. Rendered spiritless by the ill success of all their endeavours, he had yielded to his brother-in-law’s entreaty that he would return to his family and leave it to him to do whatever occasion might suggest to be advisable for continuing their pursuit. When Mrs. Bennet was told of this, she did not express so much satisfaction as her children expected, considering what her anxiety for his life had been before.
“What! is he coming home, and without poor Lydia?” she cried. “Sure he will not leave London before he has found them. Who is to fight Wickham, and make him marry her, if he comes away?”
As Mrs. Gardiner began to wish to be at home, it was settled that she and her children should go to London at the same time that Mr. Bennet came from it. The coach, therefore, took them the first stage of their journey, and brought its master back to Longbourn.
Mrs. Gardiner went away in all the perplexity about Elizabeth and her Derbyshire friend, that had attended her from that part of the world. His name had never been voluntarily mentioned before them by her niece; and the kind of half-expectation which Mrs. Gardiner had formed, of their being followed by a letter from him, had ended in nothing. Elizabeth had received none since her return, that could come from Pemberley.
The present unhappy state of the family rendered any other excuse for the lowness of her spirits unnecessary; nothing, therefore, could be fairly conjectured from _that_,--though Elizabeth, who was by this time tolerably well acquainted with her own feelings, was perfectly aware that, had she known nothing of Darcy, she could have borne the dread of Lydia’s infamy somewhat better. It would have spared her, she thought, one sleepless night out of two.
When Mr. Bennet arrived, he had all the appearance of his usual philosophic composure. He said as little as he had ever been in the habit of saying; made no mention of the business that had taken him away; and it was some time before his daughters had courage to speak of it.
It was not till the afternoon, when he joined them at tea, that Elizabeth ventured to introduce the subject; and then, on her briefly expressing her sorrow for what he must have endured, he replied, “Say nothing of that. Who should suffer but myself? It has been my own doing, and I ought to feel it.”
“You must not be too severe upon yourself,” replied Elizabeth.
“You may well warn me against such an evil. Human nature is so prone to fall into it! No, Lizzy, let me once in my life feel how much I have been to blame. I am not afraid of being overpowered by the impression. It will pass away soon enough.”
“Do you suppose them to be in London?”
“Yes; where else can they be so well concealed?”
“And Lydia used to want to go to London,” added Kitty.
“She is happy, then,” said her father, drily; “and her residence there will probably be of some duration.”
Then, after a short silence, he continued, “Lizzy, I bear you no ill-will for being justified in your advice to me last May, which, considering the event, shows some greatness of mind.”
They were interrupted by Miss Bennet, who came to fetch her mother’s tea.
“This is a parade,” cried he, “which does one good; it gives such an elegance to misfortune! Another day I will do the same; I will sit in my library, in my nightcap and powdering gown, and give as much trouble as I can,--or perhaps I may defer it till Kitty runs away.”
“I am not going to run away, papa,” said Kitty, fretfully. “If _I_ should ever go to Brighton, I would behave better than Lydia.”
“_You_ go to Brighton! I would not trust you so near it as Eastbourne, for fifty pounds! No, Kitty, I have at least learnt to be cautious, and you will feel the effects of it. No officer is ever to enter my house again, nor even to pass through the village. Balls will be absolutely prohibited, unless you stand up with one of your sisters. And you are never to stir out of doors, till you can prove that you have spent ten minutes of every day in a rational manner.”
Kitty, who took all these threats in a serious light, began to cry.
“Well, well,” said he, “do not make yourself unhappy. If you are a good girl for the next ten years, I will take you to a review at the end of them.”
[Illustration]
CHAPTER XLIX.
[Illustration]`;

/** Classical Chinese calibration prose (traditional characters). */
export const CJK_CALIBRATION = `　　當需莫厭久，久時與得時相鄰。若憤其久也，而決絕之，是不能忍於斯須，而甘棄前勞，坐失後得也。此從事者之大戒也。若看得事體審，便不必需，即需之久，亦當速去。
　　朝三暮四，用術者誠詐矣，人情之極致，有以朝三暮四為便者，有以朝四暮三為便者，要在當其所急。猿非愚，其中必有所當也。
　　天下之禍非偶然而成也，有輳合，有搏激，有積漸。輳合者，雜而不可解，在天為風雨雷電，在身為多過，在人為朋奸，在事為眾惡遭會，在病為風寒暑濕，合而成痹。搏激者，勇而不可御，在天為迅雷大雹，在身為忿狠，在人為橫逆卒加，在事為驟感成凶，在病為中寒暴厥。積漸者，極重而不可反，在天為寒暑之序，在身為罪惡貫盈，在人為包藏待逞，在事為大敝極壞，在病為血氣衰羸、痰火蘊鬱，；奄奄不可支。此三成者，理勢之自然，天地萬物皆不能外，禍福之來，恒必由之。故君子為善則籍眾美，而防錯履之多，奮志節而戒一朝之怒，體道以終身，孜孜不倦，而絕不可長之欲。
　　再之略，不如一之詳也；一之詳，不如再之詳也，再詳無後憂矣。
　　有徐，當事之妙道也。故萬無可慮之事備十一，難事備百一，大事備千一，不測之事備萬一。
　　在我有餘則足以當天下之感，以不足當感，未有不困者。
　　識有餘，理感而即透；才有餘，事感而即辦；力有餘，任感而即勝；氣有餘，變感而不震；身有餘，內外感而不病。
　　語之不從，爭之愈勍，名之乃驚。不語不爭，無所事名，忽忽冥冥，吾事已成，彼亦懵懵。昔人謂不動聲色而措天下於泰山，予以為動聲色則不能措天下於泰山矣。故曰默而成之，不言而信，存乎德行。
　　天下之事，在意外者常多。眾人見得眼前無事都放下心，明哲之士只在意外做工夫，故每萬全而無後憂。
　　不以外至者為榮辱，極有受用處，然須是裡面分數足始得。
　　今人見人敬慢，輒有喜慍，心皆外重者也。此迷不破，胸中冰炭一生。
　　有一介必吝者，有千金可輕者，而世之論取與動，曰所直幾何？此亂語耳。
　　才猶兵也，用之伐罪弔民，則為仁義之師；用之暴寡凌弱，則為劫奪之盜。是故君子非無才之患，患不善用才耳。故惟有德者能用才。
　　藏莫大之害，而以小利中其意；藏莫大之利，而以小害疑其心。此思者之所必墮，而智者之所獨覺也。
　　今人見前輩先達作事不自振拔，輒生歎恨，不知渠當我時也會歎恨人否？我當渠時能免後人歎恨否？事不到手，責人盡易，待君到手時，事事努力不輕放過便好。只任嘵嘵責人，他日縱無可歎恨，今日亦浮薄子也。
　　區區與人較是非，其量與所較之人相去幾何？
　　無識見底人，難與說話；偏識見底人，更難與說話。
　　兩君子無爭，相讓故也；一君子一小人無爭，有容故也。
　　爭者，兩小人也。有識者奈何自處於小人？即得之未必榮，而況無益於得以博小人之名，又小人而愚者。
　　方嚴是處人大病痛。聖賢處世離一溫厚不得，故曰泛愛眾，曰和而不同，曰和而不流，曰群而不黨，曰周而不比，曰愛人，曰慈樣，曰豈弟，曰樂只，曰親民，曰容眾，曰萬物一體，曰天下一家，中國一人。只恁踽踽涼涼冷落難親，便是世上一個礙物。即使持正守方，獨立不苟，亦非用世之才，只是一節狷介之土耳。
　　謀天下後世事最不可草草，當深思遠慮。眾人之識，天下所同也，淺昧而狃於目前，其次有眾人看得一半者，其次豪傑之士與練達之人得其大概者，其次精識之人有曠世獨得之見者，其次經綸措置、當時不動聲色，後世不能變易者，至此則精矣，盡矣，無以復加矣，此之謂大智，此之謂真才。若偶得之見，借聽之言，翹能自喜而攘臂直言天下事，此老成者之所哀，而深沉者之所懼也。
　　而今只一個苟字支吾世界，萬事安得不廢弛？
　　天下事要乘勢待時，譬之決癰待其將潰，則病者不苦而癰自愈，若虺蝮毒人，雖即砭手斷臂，猶遲也。
　　飯休不嚼就咽，路休不看就走，人休不擇就交，話休不想就說，事休不思就做。
　　參苓歸芪本益人也，而與身無當，反以益病；親厚懇切本愛人也，而與人無當，反以速禍，故君子慎焉。
　　兩相磨蕩，有皆損無俱全，特大小久近耳。利刃終日斷割，必有缺折之時；砥石終日磨礱，亦有虧消之漸。故君子不欲敵人以自全也。
　　見前面之千里，不若見背後之一寸。故達現非難，而反觀為難；見見非難，而見不見為難；此舉世之所迷，而智者之獨覺也。
　　譽既汝歸，毀將安辭？利既汝歸，害將安辭？巧既汝歸，罪將安辭？
　　上士會意，故體人也以意，觀人也亦以意。意之感人也深於骨肉，怠之殺人也毒於斧鉞。鷗鳥知漁父之機，會意也，可以人而不如鷗乎？至於征色發聲而不觀察，則又在色斯舉矣之下。
　　士君子要任天下國家事，先把本身除外。所以說策名委質，言自策名之後身已非我有矣，況富貴乎？若營營於富貴身家，卻是社稷蒼生委質於我也，君之賊臣乎？天之僇民乎？
　　聖賢之量空闊，事到胸中如一葉之泛滄海。
　　聖賢處天下事，委曲紆徐，不輕徇一已之情，以違天下之欲，以破天下之防。是故道有不當直，事有不必果者，此類是也。
　　譬之行道然，循曲從遠順其成跡，而不敢以欲速適已之便者，勢不可也。若必欲簡捷直遂，則兩京程途正以繩墨，破城除邑，塞河夷山，終有數百里之近矣，而人情事勢不可也。是以處事要遜以出之，而學者接物怕徑情直行。
　　熱鬧中空老了多少豪傑，閒淡滋味惟聖賢嘗得出，及當熱鬧時也只以這閒淡心應之。天下萬事萬物之理都是閒淡中求來，熱鬧處使用。是故，靜者，動之母。
　　胸中無一毫欠缺，身上無一些點染，便是羲皇以上人，即在夷狄患難中，何異玉燭春台上？
　　聖人掀天揭地事業只管做，只是不費力；除害去惡只管做，只是不動氣；蹈險投艱只管做，只是不動心。
　　聖賢用剛，只夠濟那一件事便了；用明，只夠得那件情便了；分外不剩分毫。所以作事無痕跡，甚渾厚，事既有成，而亦無議。
　　聖人只有一種才，千通萬貫隨事合宜，譬如富貴只積一種錢，貿易百貨都得。眾人之材如貨，輕縠雖美，不可禦寒；輕裘雖溫，不可當暑。又養才要有根本，則隨遇不窮；運才要有機括，故隨感不滯；持才要有涵蓄，故隨事不敗。
　　坐疑似之跡者，百口不能自辨；犯一見之真者，百口難奪其執。此世之通患也。聖〔人〕虛明通變吻合人情，如人之肝肺在其腹中，既無遁情，亦無誣執。故人有感泣者，有愧服者，有歡悅者。故曰惟聖人為能通天下之志，不能如聖人，先要個虛心。
　　聖人處小人不露形跡，中間自有得已，處高崖陡塹，直氣壯頄皆偏也，即不論取禍，近小文夫矣。孟子見樂正子從王驩，何等深惡！及處王驩，與行而不與比，雖然，猶形跡矣。孔子處陽貨只是個紿法，處向魋只是個躲法。
　　君子所得不問，故其所行亦異。有小人於此，仁者憐之，義者惡之，禮者處之不失禮，智者處之不取禍，信者推誠以御之而不計利害，惟聖人處小人得當可之宜。
　　被發於鄉鄰之鬥，豈是惡念頭？但類於從井救人矣。聖賢不為善於性分之外。
　　仕途上只應酬無益人事，工夫占了八分，更有甚精力時候修正經職業？我嘗自喜行三種方便，甚於彼我有益：不面謁人，省其疲於應接；不輕寄書，省其困於裁答；不乞求人看顧，省其難於區處。
　　士君子終身應酬不止一事，全要將一個靜定心酌量緩急輕重為後先。若應轇轕情處紛雜事，都是一味熱忙，顛倒亂應，只此便不見存心定性之功，當事處物之法。
　　儒者先要個不俗，才不俗又怕乖俗。聖人只是和人一般，中間自有妙處。
　　處天下事，先把我字閣起，千軍萬馬中，先把人字閣起。`;

/** The calibration text of a script. */
export function calibrationText(script: TextScript): string {
  return script === 'cjk' ? CJK_CALIBRATION : LATIN_CALIBRATION;
}
